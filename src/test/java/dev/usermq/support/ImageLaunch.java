package dev.usermq.support;

import dev.usermq.faults.Procs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The packaged jar laid out and started as the image does it (Dockerfile): extracted into a plain
 * jar with its libraries in {@code lib/}, and started with the class-data-sharing archive of a
 * training run with the {@value #TRAINING_PROFILE} profile, which needs no server. {@link #jar()}
 * and {@link #jvmOptions()} start it so; the archive is valid only for that path of the jar.
 *
 * <p>A JVM 17 without the fix of JDK-8343427 (fixed in JDK 24) crashes when a class of a
 * multi-release jar (OpenTelemetry's, Jackson's, ...) is loaded from the archive while class
 * loading is hooked: a flight recording, started with the JVM or later, or a Java agent. Such a JVM
 * starts without the archive ({@code -Xshare:off}).
 */
public record ImageLaunch(Path jar, Path archive) {

  /** The profile of the training run (application-cds-training.yaml). */
  public static final String TRAINING_PROFILE = "cds-training";

  private static final int TRAINING_SECONDS = 300;

  /**
   * Extracts {@code bootJar} into {@code dir} (emptied first) and makes the archive there with a
   * training run of the given JVM options (those the service will be started with); fails, naming
   * its log, when the training run fails.
   */
  public static ImageLaunch prepare(Path bootJar, Path dir, List<String> jvmOptions)
      throws IOException, InterruptedException {
    deleteRecursively(dir);
    Files.createDirectories(dir.getParent());
    Path log = dir.resolveSibling(dir.getFileName() + "-cds-training.log");
    Files.deleteIfExists(log);
    run(
        List.of(
            Procs.javaBin(),
            "-Djarmode=tools",
            "-jar",
            bootJar.toAbsolutePath().toString(),
            "extract",
            "--destination",
            dir.toAbsolutePath().toString()),
        log);
    Path jar = dir.resolve(bootJar.getFileName()).toAbsolutePath();
    Path archive = dir.resolve("application.jsa").toAbsolutePath();
    List<String> training = new ArrayList<>();
    training.add(Procs.javaBin());
    training.addAll(jvmOptions);
    training.add("-XX:ArchiveClassesAtExit=" + archive);
    training.add("-Xlog:cds=off");
    training.add("-Dspring.profiles.active=" + TRAINING_PROFILE);
    training.add("-jar");
    training.add(jar.toString());
    run(training, log);
    if (!Files.isRegularFile(archive) || Files.size(archive) == 0) {
      throw new IllegalStateException("the training run wrote no archive, see " + log);
    }
    return new ImageLaunch(jar, archive);
  }

  /** The options that map the archive: before any other of the service's. */
  public List<String> jvmOptions() {
    return List.of("-XX:SharedArchiveFile=" + archive);
  }

  private static void run(List<String> command, Path log) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command);
    // the training run gets its settings from its profile only
    Map<String, String> env = builder.environment();
    env.keySet()
        .removeIf(
            k ->
                k.startsWith("SPRING_")
                    || k.startsWith("KAFKA_")
                    || k.startsWith("AUTHZ_")
                    || k.startsWith("CAMEL_")
                    || k.equals("JAVA_TOOL_OPTIONS"));
    builder
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    Process p = builder.start();
    Procs.track(p);
    if (!p.waitFor(TRAINING_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(
          String.join(" ", command) + " took over " + TRAINING_SECONDS + " s, see " + log);
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException(
          String.join(" ", command) + " exited with " + p.exitValue() + ", see " + log);
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
