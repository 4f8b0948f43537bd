package dev.usermq.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The service's packaged jar, built before the integration tests run. */
public final class PackagedJar {

  private PackagedJar() {}

  /** {@code target/user-mq-*.jar}. */
  public static Path find() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("target"))) {
      return files
          .filter(p -> p.getFileName().toString().matches("user-mq-.*\\.jar"))
          .findFirst()
          .orElseThrow(
              () -> new IllegalStateException("no target/user-mq-*.jar: run `mvn package` first"));
    }
  }
}
