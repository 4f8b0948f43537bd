package dev.usermq.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One life of the packaged service ({@code java -jar target/user-mq-*.jar}) as its own OS process,
 * with its log in a file. Its running counts are read back from the log, where the service writes
 * them every {@code STATS_LOG_INTERVAL}.
 */
public final class ServiceProcess {

  private static final Pattern SUMMARY =
      Pattern.compile(
          "auth messages: applied=(\\d+) noop=(\\d+) rejected=(\\d+) duplicate\\(redis\\)=(\\d+)"
              + " duplicate\\(ledger\\)=(\\d+) dead-lettered=(\\d+)");
  private static final String STARTED = "Started App in";

  private final String name;
  private final Path log;
  private final Process process;

  private ServiceProcess(String name, Path log, Process process) {
    this.name = name;
    this.log = log;
    this.process = process;
  }

  /**
   * The environment that points a service at its servers: the broker, the database on MariaDB (as
   * root, without a password), Redis on this host and authz; the caller adds the rest.
   */
  public static Map<String, String> endpoints(
      KafkaBroker kafka,
      MariaDbNode mariadb,
      String database,
      RedisNode redis,
      ControllableAuthz authz) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("KAFKA_BROKERS", kafka.brokers());
    env.put("SPRING_DATASOURCE_URL", mariadb.jdbcUrl(database));
    env.put("SPRING_DATASOURCE_USERNAME", "root");
    env.put("SPRING_DATASOURCE_PASSWORD", "");
    env.put("SPRING_DATA_REDIS_HOST", "127.0.0.1");
    env.put("SPRING_DATA_REDIS_PORT", Integer.toString(redis.port()));
    env.put("AUTHZ_TARGET", authz.target());
    return env;
  }

  /** Starts the jar with the given JVM options and environment, its output into the log. */
  public static ServiceProcess start(
      String name, Path jar, List<String> jvmArgs, Map<String, String> env, Path log)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Procs.serviceJavaBin());
    command.addAll(jvmArgs);
    command.add("-jar");
    command.add(jar.toString());
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(env);
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    Process p = builder.start();
    Procs.track(p);
    return new ServiceProcess(name, log, p);
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public boolean alive() {
    return process.isAlive();
  }

  /** Waits until the service says it started (its consumers are then subscribing). */
  public void awaitStarted(int seconds) {
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    while (System.nanoTime() < end) {
      if (logText().contains(STARTED)) {
        return;
      }
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "service exited with " + process.exitValue() + ", see " + log);
      }
      Procs.sleep(200);
    }
    throw new IllegalStateException("service did not start in " + seconds + " s, see " + log);
  }

  /** Waits until this life has processed at least one record; false if it did not in time. */
  public boolean awaitWork(int seconds) {
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    while (System.nanoTime() < end) {
      if (java.util.Arrays.stream(lastCounts()).sum() > 0) {
        return true;
      }
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "service exited with " + process.exitValue() + ", see " + log);
      }
      Procs.sleep(200);
    }
    return false;
  }

  public void kill9() throws InterruptedException {
    Procs.kill9(process);
  }

  /** SIGTERM: the service finishes its in-flight records and leaves the consumer group. */
  public void stop() throws InterruptedException {
    Procs.stop(process, 60);
  }

  /**
   * The last running counts the service logged: applied, noop, rejected, dup(redis), dup(ledger),
   * dlq.
   */
  public long[] lastCounts() {
    Matcher m = SUMMARY.matcher(logText());
    long[] last = new long[6];
    while (m.find()) {
      for (int i = 0; i < 6; i++) {
        last[i] = Long.parseLong(m.group(i + 1));
      }
    }
    return last;
  }

  private String logText() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}
