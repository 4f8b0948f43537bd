package dev.usermq.embedded;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Runs an embedded server process in a session of its own ({@code setsid}), out of the terminal's
 * process group. Ctrl-C in the terminal of a local run then reaches the JVM only: the JVM stops the
 * routes while the servers still answer, and stops the servers last. In the terminal's group, Redis
 * and MariaDB would quit at the same instant as the JVM started to stop, and every record in flight
 * would wait out its retries against servers that are gone.
 *
 * <p>Where {@code setsid} is missing (macOS), the executable is run as it is.
 */
final class OwnSession {

  private OwnSession() {}

  /**
   * An executable that runs {@code executable} with the same arguments in a new session, as the
   * same process (so stopping the process the library started stops the server), or {@code
   * executable} itself where that cannot be done.
   */
  static File wrap(File executable) {
    Optional<Path> setsid =
        Stream.of("/usr/bin/setsid", "/bin/setsid")
            .map(Path::of)
            .filter(Files::isExecutable)
            .findFirst();
    if (setsid.isEmpty()) {
      return executable;
    }
    try {
      Path script =
          Files.createTempFile(
              executable.getName() + "-",
              ".sh",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      script.toFile().deleteOnExit();
      // the library's child is not a process group leader, so setsid needs no fork: exec keeps
      // one process, whose pid the library holds
      Files.writeString(
          script,
          "#!/bin/sh\nexec "
              + quote(setsid.get().toString())
              + " "
              + quote(executable.getAbsolutePath())
              + " \"$@\"\n",
          StandardCharsets.UTF_8);
      return script.toFile();
    } catch (IOException e) {
      throw new UncheckedIOException("Could not write the launcher of " + executable, e);
    }
  }

  private static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }
}
