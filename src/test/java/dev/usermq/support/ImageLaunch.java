package dev.usermq.support;

import dev.usermq.TrainingRun;
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
 * jar with its libraries in {@code lib/}, and started with what a training run with the {@value
 * #TRAINING_PROFILE} profile, which needs no server, made of its start. On the image's JDK 17, as
 * on any JDK before 25, that is a dynamic class-data-sharing archive ({@code
 * -XX:ArchiveClassesAtExit}); on a JDK 25 or later, an ahead-of-time cache ({@code
 * -XX:AOTCacheOutput}, JEP 483, 514 and 515: the classes of the start loaded and linked, and the
 * profiles of its methods), which docs/performance.md compares. {@link #jar()} and {@link
 * #jvmOptions()} start it so; either is valid only for that path of the jar and that JDK ({@link
 * Procs#serviceJavaBin()}).
 *
 * <p>A JVM 17 without the fix of JDK-8343427 (fixed in JDK 24) crashes when a class of a
 * multi-release jar (OpenTelemetry's, Jackson's, ...) is loaded from the archive while class
 * loading is hooked: a flight recording, started with the JVM or later, or a Java agent. Such a JVM
 * starts without the archive ({@link #usableWith(List)}).
 */
public record ImageLaunch(Path jar, Path archive, boolean aotCache) {

  /** The profile of the training run (application-cds-training.yaml). */
  public static final String TRAINING_PROFILE = TrainingRun.PROFILE;

  /** The first JDK whose training run makes an ahead-of-time cache in one step. */
  private static final int AOT_CACHE_JDK = 25;

  /** The first JDK with the fix of JDK-8343427. */
  private static final int SAFE_HOOKS_JDK = 24;

  private static final int TRAINING_SECONDS = 300;

  /**
   * Extracts {@code bootJar} into {@code dir} (emptied first) and makes the cache or archive there
   * with a training run of the given JVM options (those the service will be started with); fails,
   * naming its log, when the training run fails.
   */
  public static ImageLaunch prepare(Path bootJar, Path dir, List<String> jvmOptions)
      throws IOException, InterruptedException {
    Path log = dir.resolveSibling(dir.getFileName() + "-training.log");
    Path jar = extract(bootJar, dir, log);
    boolean aotCache = Procs.serviceJdkFeature() >= AOT_CACHE_JDK;
    Path archive = dir.resolve(aotCache ? "application.aot" : "application.jsa").toAbsolutePath();
    List<String> training = new ArrayList<>();
    training.add(Procs.serviceJavaBin());
    training.addAll(jvmOptions);
    if (aotCache) {
      training.add("-XX:AOTCacheOutput=" + archive);
    } else {
      training.add("-XX:ArchiveClassesAtExit=" + archive);
      training.add("-Xlog:cds=off");
    }
    training.add("-Dspring.profiles.active=" + TRAINING_PROFILE);
    training.add("-jar");
    training.add(jar.toString());
    run(training, log);
    if (!Files.isRegularFile(archive) || Files.size(archive) == 0) {
      throw new IllegalStateException("the training run wrote nothing to start from, see " + log);
    }
    return new ImageLaunch(jar, archive, aotCache);
  }

  /**
   * Extracts {@code bootJar} into {@code dir} (emptied first) as the image lays it out, a plain jar
   * with its libraries in {@code lib/}, writing what the extraction says to {@code log} (emptied
   * first); returns the plain jar.
   */
  public static Path extract(Path bootJar, Path dir, Path log)
      throws IOException, InterruptedException {
    deleteRecursively(dir);
    Files.createDirectories(dir.getParent());
    Files.deleteIfExists(log);
    run(
        List.of(
            Procs.serviceJavaBin(),
            "-Djarmode=tools",
            "-jar",
            bootJar.toAbsolutePath().toString(),
            "extract",
            "--destination",
            dir.toAbsolutePath().toString()),
        log);
    return dir.resolve(bootJar.getFileName()).toAbsolutePath();
  }

  /** The options that start from the cache or archive: before any other of the service's. */
  public List<String> jvmOptions() {
    return List.of(aotCache ? "-XX:AOTCache=" + archive : "-XX:SharedArchiveFile=" + archive);
  }

  /**
   * The options that stop the JVM when it cannot start from the cache or archive, instead of
   * starting without it.
   */
  public List<String> strictJvmOptions() {
    List<String> options =
        new ArrayList<>(aotCache ? List.of("-XX:AOTMode=on") : List.of("-Xshare:on"));
    options.addAll(jvmOptions());
    return options;
  }

  /**
   * Whether a JVM started with these options as well can start from the cache or archive. Not when
   * they hook class loading (a flight recording or an agent) on a JVM 17, which would then crash
   * loading archived classes (JDK-8343427); not when a flight recording starts with a JVM 25, which
   * then refuses the cache (it adds the module jdk.jfr). When it cannot, the service starts without
   * it.
   */
  public boolean usableWith(List<String> options) {
    if (aotCache) {
      return options.stream().noneMatch(o -> o.startsWith("-XX:StartFlightRecording"));
    }
    return Procs.serviceJdkFeature() >= SAFE_HOOKS_JDK
        || options.stream()
            .noneMatch(
                o ->
                    o.startsWith("-XX:StartFlightRecording")
                        || o.startsWith("-javaagent")
                        || o.startsWith("-agentpath")
                        || o.startsWith("-agentlib"));
  }

  /** What the start uses: "ahead-of-time cache" or "class-data-sharing archive". */
  public String kind() {
    return aotCache ? "ahead-of-time cache" : "class-data-sharing archive";
  }

  /**
   * Runs the command as the training run runs: its settings from its profile only (none from the
   * service's environment variables), its output appended to {@code log}; fails, naming the log,
   * when it does not end with exit code 0 within {@value #TRAINING_SECONDS} s.
   */
  public static void run(List<String> command, Path log) throws IOException, InterruptedException {
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
