package dev.usermq.faults;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Child processes of the suite. Every one is tracked and killed by a shutdown hook, so nothing is
 * left running when the test JVM exits, however it exits.
 */
public final class Procs {

  /** System property: the home of the JDK the packaged service runs on. */
  public static final String SERVICE_JAVA_HOME = "service.java-home";

  private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  for (Process p : RUNNING) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                  }
                }));
  }

  private Procs() {}

  /** A JVM running {@code mainClass} on the test classpath. */
  public static ProcessBuilder java(List<String> jvmArgs, String mainClass, List<String> args) {
    return java(javaBin(), jvmArgs, mainClass, args);
  }

  /** The given {@code java} launcher running {@code mainClass} on the test classpath. */
  public static ProcessBuilder java(
      String javaBin, List<String> jvmArgs, String mainClass, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(javaBin);
    command.addAll(jvmArgs);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.addAll(args);
    return new ProcessBuilder(command);
  }

  /** The {@code java} launcher of the JVM running the tests. */
  public static String javaBin() {
    return javaBin(System.getProperty("java.home"));
  }

  /**
   * The {@code java} launcher the packaged service runs on: that of the JDK named by the system
   * property {@value #SERVICE_JAVA_HOME} (the image's JDK, when it is not the one running the
   * tests), else the tests' own.
   */
  public static String serviceJavaBin() {
    return javaBin(serviceJavaHome());
  }

  /** The home of the JDK the packaged service runs on (see {@link #serviceJavaBin()}). */
  public static String serviceJavaHome() {
    String home = System.getProperty(SERVICE_JAVA_HOME, "");
    return home.isBlank() ? System.getProperty("java.home") : home;
  }

  /** The version (17.0.15, 25.0.3, ...) of the JDK the service runs on, from its release file. */
  public static String serviceJdkVersion() {
    Path release = Path.of(serviceJavaHome(), "release");
    try {
      Matcher m =
          Pattern.compile("(?m)^JAVA_VERSION=\"([^\"]+)\"").matcher(Files.readString(release));
      if (!m.find()) {
        throw new IllegalStateException("no JAVA_VERSION in " + release);
      }
      return m.group(1);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot tell the JDK's version from " + release, e);
    }
  }

  /** The feature release (17, 25, ...) of the JDK the service runs on. */
  public static int serviceJdkFeature() {
    return Integer.parseInt(serviceJdkVersion().replaceFirst("\\D.*", ""));
  }

  private static String javaBin(String home) {
    return home + File.separator + "bin" + File.separator + "java";
  }

  public static void track(Process p) {
    RUNNING.add(p);
    p.onExit().thenRun(() -> RUNNING.remove(p));
  }

  /** SIGTERM, then SIGKILL if it has not exited in time. */
  public static void stop(Process p, int seconds) throws InterruptedException {
    p.destroy();
    if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /**
   * Closes the servers of a run in the order given, those never started ({@code null}) skipped; one
   * that fails to close is logged, and the others are still closed.
   */
  public static void closeEach(Consumer<String> log, AutoCloseable... servers) {
    for (AutoCloseable server : servers) {
      if (server != null) {
        try {
          server.close();
        } catch (Exception e) {
          log.accept("could not stop " + server + ": " + e);
        }
      }
    }
  }

  /** SIGKILL: the process gets no chance to finish anything. */
  public static void kill9(Process p) throws InterruptedException {
    p.destroyForcibly();
    p.waitFor(10, TimeUnit.SECONDS);
  }

  /**
   * Sends a signal to a process that is not a child of this JVM's {@link Process} objects, e.g.
   * {@code STOP} and {@code CONT} to freeze a server without closing any of its connections.
   */
  public static void signal(long pid, String signal) throws IOException, InterruptedException {
    Process kill =
        new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
            .redirectErrorStream(true)
            .start();
    String out =
        new String(kill.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IllegalStateException("kill -" + signal + " " + pid + " failed: " + out.trim());
    }
  }

  public static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
