package dev.usermq.tools;

import java.nio.file.Path;

/** One thing wrong in a route file, at a 1-based line (0 when the whole file is concerned). */
record Problem(Path file, int line, String message) implements Comparable<Problem> {

  /** {@code routes/x.camel.yaml:12: message}, the form editors and CI logs link to. */
  @Override
  public String toString() {
    return file + ":" + line + ": " + message;
  }

  @Override
  public int compareTo(Problem other) {
    int byFile = file.toString().compareTo(other.file.toString());
    return byFile != 0 ? byFile : Integer.compare(line, other.line);
  }
}
