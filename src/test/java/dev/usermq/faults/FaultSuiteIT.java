package dev.usermq.faults;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.usermq.support.ImageLaunch;
import dev.usermq.support.PackagedJar;
import dev.usermq.support.PodJvmOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Fault-injection suite: the packaged service runs as its own OS process against a Kafka broker,
 * Redis and MariaDB in their own processes and an authz server in this JVM, while a known workload
 * flows and one fault happens per scenario. Once drained, {@link Oracle} checks the delivery
 * guarantees (docs/contract.md) from MySQL and Kafka; a table of every scenario is printed and
 * written to {@code target/fault-suite-report.txt}.
 *
 * <p>System properties: {@code faults.records} (records per scenario, default 20000), {@code
 * faults.mode} ({@code per-record}, the default, or {@code batch}: the service with {@code
 * CONSUMER_BATCH_ENABLED=true}), {@code faults.scenarios} (comma-separated names of {@link
 * Scenario}, case and {@code -} or {@code _} as you like, default all), {@code
 * faults.fault-seconds} (how long the database, Redis and authz faults last: default 30 at 20,000
 * records or more, 15 below, so that the reduced run stays short), {@code faults.kills} (default
 * 5), {@code faults.seed}. The scenarios whose fault needs records flowing for minutes (kill -9,
 * rebalance) send their phase 2 over their own time at 20,000 records or more, half of it below.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FaultSuiteIT {

  private static final int RECORDS = Integer.getInteger("faults.records", 20_000);
  private static final int FAULT_SECONDS =
      Integer.getInteger("faults.fault-seconds", RECORDS >= 20_000 ? 30 : 15);
  private static final int KILLS = Integer.getInteger("faults.kills", 5);

  /** The chart's JVM options in a pod, as the service runs in production. */
  private static final List<String> SERVICE_JVM_OPTIONS = PodJvmOptions.of();

  private static final String MODE = mode(System.getProperty("faults.mode", "per-record"));
  private static final int SEND_SECONDS = Integer.getInteger("faults.send-seconds", 30);
  private static final int DRAIN_TIMEOUT_SECONDS = Integer.getInteger("faults.drain-timeout", 600);
  private static final long SEED = Long.getLong("faults.seed", 20_261_124L);
  private static final int TTL_SECONDS = 15;
  private static final Path ROOT = Path.of("target", "fault-suite");
  private static final Path REPORT = Path.of("target", "fault-suite-report.txt");
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

  /** What a fault needs. */
  record Ctx(
      Fleet fleet,
      RedisNode redis,
      MariaDbNode mariadb,
      ControllableAuthz authz,
      KafkaBroker kafka,
      long seed,
      int kills,
      long faultMillis,
      int rebalanceCycles,
      long rebalanceMillis) {

    void log(String what) {
      FaultSuiteIT.log("  fault: " + what);
    }
  }

  /** One line of the report. */
  record Row(
      Scenario scenario,
      long recordsIn,
      Oracle.Verdict verdict,
      long dupRedis,
      long dupLedger,
      double drainSeconds,
      String error) {

    boolean pass() {
      return error == null && verdict != null && verdict.failures.isEmpty();
    }
  }

  private final List<Row> rows = new ArrayList<>();
  private KafkaBroker kafka;
  private RedisNode redis;
  private MariaDbNode mariadb;
  private ControllableAuthz authz;
  private Path jar;
  private ImageLaunch image;

  @BeforeAll
  void startServers() throws Exception {
    jar = PackagedJar.find();
    deleteRecursively(ROOT);
    Files.createDirectories(ROOT);
    // started as the image starts it: extracted, with the cache or archive of its start
    image = ImageLaunch.prepare(jar, ROOT.resolve("image"), SERVICE_JVM_OPTIONS);
    log(
        "fault suite: "
            + RECORDS
            + " records per scenario, faults of "
            + FAULT_SECONDS
            + " s, service "
            + jar
            + " on Java "
            + Procs.serviceJdkVersion()
            + " with the "
            + image.kind()
            + " of its start, JVM options "
            + String.join(" ", SERVICE_JVM_OPTIONS));
    authz = new ControllableAuthz(1_500);
    redis = new RedisNode();
    redis.start();
    mariadb = new MariaDbNode(ROOT.resolve("mariadb"));
    mariadb.start();
    kafka = new KafkaBroker(ROOT.resolve("kafka"));
    kafka.start();
  }

  @AfterAll
  void stopServers() throws Exception {
    try {
      report();
    } finally {
      Procs.closeEach(FaultSuiteIT::log, kafka, mariadb, redis, authz);
    }
  }

  @TestFactory
  Stream<DynamicTest> deliveryGuaranteesHoldUnderFaults() {
    String only = System.getProperty("faults.scenarios", "");
    Set<String> wanted = new HashSet<>();
    for (String s : only.split(",")) {
      if (!s.isBlank()) {
        wanted.add(s.trim().toUpperCase().replace('-', '_'));
      }
    }
    Set<String> unknown = new HashSet<>(wanted);
    Arrays.stream(Scenario.values()).forEach(s -> unknown.remove(s.name()));
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          "faults.scenarios names no scenario: "
              + unknown
              + "; the scenarios are "
              + Arrays.toString(Scenario.values()));
    }
    return Arrays.stream(Scenario.values())
        .filter(s -> wanted.isEmpty() || wanted.contains(s.name()))
        .map(
            s ->
                DynamicTest.dynamicTest(
                    s.label,
                    () -> {
                      Row row = runScenario(s);
                      rows.add(row);
                      if (!row.pass()) {
                        throw new AssertionError(
                            s.label
                                + " failed: "
                                + (row.error != null
                                    ? row.error
                                    : String.join("\n  ", row.verdict.failures)));
                      }
                    }));
  }

  private Row runScenario(Scenario s) {
    long started = System.nanoTime();
    log("scenario " + s.label);
    Path dir = ROOT.resolve(s.name().toLowerCase());
    Topics topics = Topics.of("fs", s.tag);
    String database = "fs_" + s.tag;
    String group = "fs-" + s.tag;
    Workload w = new Workload(s.tag, RECORDS, SEED + s.ordinal());
    Fleet fleet = null;
    double drain = -1;
    try (Admin admin =
            Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.brokers()));
        KafkaProducer<byte[], byte[]> producer = producer()) {
      Files.createDirectories(dir);
      topics.create(admin, Workload.PARTITIONS);
      mariadb.createDatabase(database);
      redis.flushAll();
      authz.reset();
      JdbcClient jdbc = mariadb.client(database);
      List<String> jvmArgs = new ArrayList<>(image.jvmOptions());
      jvmArgs.addAll(SERVICE_JVM_OPTIONS);
      fleet = new Fleet(image.jar(), jvmArgs, env(topics, database, group), dir);
      fleet.startA().awaitStarted(180);

      // phase 1: the base users, before any fault
      send(producer, topics, w, w.phase1(), 0);
      awaitDrain(admin, topics, group, jdbc, fleet, DRAIN_TIMEOUT_SECONDS);
      List<Long> ids = baseUserIds(jdbc, s.tag, w.phase1Size());
      List<Workload.Rec> phase2 = w.phase2(ids);
      log("  phase 1 done: " + ids.size() + " users; phase 2: " + phase2.size() + " records");

      // phase 2 with the fault
      Ctx ctx =
          new Ctx(
              fleet,
              redis,
              mariadb,
              authz,
              kafka,
              SEED + s.ordinal(),
              KILLS,
              FAULT_SECONDS * 1_000L,
              3,
              20_000);
      AtomicReference<Throwable> faultError = new AtomicReference<>();
      Thread fault =
          new Thread(
              () -> {
                try {
                  s.inject(ctx);
                } catch (Throwable t) {
                  faultError.set(t);
                }
              },
              "fault-" + s.tag);
      fault.start();
      send(producer, topics, w, phase2, sendSeconds(s));
      sendTtlRepeats(producer, topics, w, jdbc);
      fault.join(TimeUnit.MINUTES.toMillis(15));
      if (fault.isAlive() || faultError.get() != null) {
        fault.interrupt();
        throw new IllegalStateException(
            "the fault did not complete: " + faultError.get(), faultError.get());
      }
      log(
          "  fault over; records in: "
              + w.sent.size()
              + (fleet.kills() > 0 ? ", kills: " + fleet.kills() : ""));

      long drainStart = System.nanoTime();
      awaitDrain(admin, topics, group, jdbc, fleet, DRAIN_TIMEOUT_SECONDS);
      drain = (System.nanoTime() - drainStart) / 1e9;
      Procs.sleep(2_500); // the service logs its counts every second
      fleet.stopAll();
      long[] dups = fleet.duplicates();
      log("  service lives:" + fleet.describeLives());

      Oracle.Verdict verdict = Oracle.check(w, jdbc, kafka.brokers(), topics, authz.state());
      long inbound = TopicOffsets.records(admin, topics.auth());
      if (inbound != w.sent.size()) {
        verdict.fail(
            "the inbound topic holds " + inbound + " records, the suite sent " + w.sent.size());
      }
      Row row = new Row(s, w.sent.size(), verdict, dups[0], dups[1], drain, null);
      log(
          String.format(
              "  %s in %.0f s: %s",
              row.pass() ? "PASS" : "FAIL",
              (System.nanoTime() - started) / 1e9,
              row.pass() ? "" : String.join("\n    ", verdict.failures)));
      return row;
    } catch (Throwable e) {
      log("  ERROR " + e);
      return new Row(s, w.sent.size(), null, 0, 0, drain, String.valueOf(e));
    } finally {
      if (fleet != null) {
        try {
          fleet.stopAll();
        } catch (Exception e) {
          log("  could not stop the service: " + e);
        }
      }
    }
  }

  private Map<String, String> env(Topics topics, String database, String group) {
    Map<String, String> env = ServiceProcess.endpoints(kafka, mariadb, database, redis, authz);
    env.put("AUTHZ_DEADLINE", "500ms");
    topics.putInto(env);
    env.put("CONSUMER_GROUP_ID", group);
    env.put("CONSUMER_CONCURRENCY", "4");
    env.put("CONSUMER_BATCH_ENABLED", Boolean.toString(MODE.equals("batch")));
    env.put("IDEMPOTENCY_TTL", TTL_SECONDS + "s");
    env.put("RETRY_TRANSIENT_REDELIVERIES", "3");
    env.put("RETRY_TRANSIENT_INITIAL_DELAY", "100");
    env.put("RETRY_TRANSIENT_MAX_DELAY", "1000");
    env.put("RETRY_UNEXPECTED_DELAY", "200");
    env.put("OUTBOX_RELAY_INTERVAL", "2s");
    env.put("OUTBOX_RELAY_MIN_AGE", "5s");
    env.put("STATS_LOG_INTERVAL", "1s");
    env.put("CAMEL_MAIN_SHUTDOWN_TIMEOUT", "20");
    // two instances run side by side in the rebalance scenario: each takes a free HTTP port
    env.put("SERVER_PORT", "0");
    env.put("GRPC_PORT", "0");
    env.put("CONSUMER_PAUSE_CHECK_INTERVAL", "1s");
    // a paused consumer resumes within seconds of a fault's end, so scenarios stay short
    env.put("CONSUMER_PAUSE_MAX_CHECK_INTERVAL", "8s");
    return env;
  }

  /**
   * How long phase 2 is sent over: the scenario's own time (half in a reduced run), or the default.
   */
  private static int sendSeconds(Scenario s) {
    if (s.sendSeconds == 0) {
      return SEND_SECONDS;
    }
    return RECORDS >= 20_000 ? s.sendSeconds : s.sendSeconds / 2;
  }

  /** {@code faults.mode}: per-record or batch, or the suite refuses to start. */
  private static String mode(String mode) {
    if (!mode.equals("per-record") && !mode.equals("batch")) {
      throw new IllegalArgumentException(
          "faults.mode must be per-record or batch, was '" + mode + "'");
    }
    return mode;
  }

  private KafkaProducer<byte[], byte[]> producer() {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.brokers());
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    // the broker restart must not make the suite's own records fail or reorder
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 600_000);
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 600_000);
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 30_000);
    return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** Produces the records, spread over {@code seconds}, and waits until the broker has them all. */
  private void send(
      KafkaProducer<byte[], byte[]> producer,
      Topics topics,
      Workload w,
      List<Workload.Rec> recs,
      int seconds) {
    AtomicReference<Exception> failure = new AtomicReference<>();
    long start = System.nanoTime();
    for (int i = 0; i < recs.size(); i++) {
      Workload.Rec rec = recs.get(i);
      ProducerRecord<byte[], byte[]> record =
          new ProducerRecord<>(topics.auth(), rec.partition, rec.key, rec.value);
      record.headers().add("x-trace", rec.trace.getBytes(UTF_8));
      w.sent.add(rec);
      producer.send(
          record,
          (meta, e) -> {
            if (e != null) {
              failure.compareAndSet(null, e);
            } else {
              rec.offset = meta.offset();
            }
          });
      if (seconds > 0 && i % 50 == 0) {
        long due = start + (long) (seconds * 1e9 * i / recs.size());
        long wait = due - System.nanoTime();
        if (wait > 0) {
          Procs.sleep(wait / 1_000_000);
        }
      }
    }
    producer.flush();
    if (failure.get() != null) {
      throw new IllegalStateException("the suite could not produce its workload", failure.get());
    }
  }

  /**
   * Sends repeats of messages the ledger shows done longer ago than the idempotency TTL: Redis has
   * forgotten them, so only the ledger can stop them.
   */
  private void sendTtlRepeats(
      KafkaProducer<byte[], byte[]> producer, Topics topics, Workload w, JdbcClient jdbc) {
    Random rnd = new Random(SEED);
    Set<String> done = new HashSet<>();
    long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    while (done.size() < w.ttlRepeatQuota() && System.nanoTime() < end) {
      List<String> ids;
      try {
        ids =
            jdbc.sql(
                    "SELECT message_id FROM auth_msg WHERE processed = 1"
                        + " AND process_time < NOW(3) - INTERVAL ? SECOND ORDER BY RAND() LIMIT ?")
                .params(TTL_SECONDS + 5, w.ttlRepeatQuota() * 2)
                .query(String.class)
                .list();
      } catch (RuntimeException databaseDown) {
        ids = List.of();
      }
      List<Workload.Rec> batch = new ArrayList<>();
      for (String id : ids) {
        if (done.size() + batch.size() < w.ttlRepeatQuota()
            && w.originals.containsKey(id)
            && done.add(id)) {
          batch.add(w.ttlRepeat(id));
        }
      }
      if (!batch.isEmpty()) {
        send(producer, topics, w, batch, 0);
      }
      if (done.size() < w.ttlRepeatQuota()) {
        Procs.sleep(1_000 + rnd.nextInt(1_000));
      }
    }
    log("  " + done.size() + " repeats sent after the TTL");
  }

  private List<Long> baseUserIds(JdbcClient jdbc, String tag, int users) {
    Map<String, Long> byOpenId = new HashMap<>();
    jdbc.sql(
            "SELECT open_id, user_id FROM user_third_auth WHERE platform = 'wechat' AND open_id LIKE ?")
        .param("base-" + tag + "-%")
        .query(
            rs -> {
              byOpenId.put(rs.getString(1), rs.getLong(2));
            });
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < users; i++) {
      Long id = byOpenId.get("base-" + tag + "-" + i);
      if (id == null) {
        throw new IllegalStateException("phase 1 did not register base-" + tag + "-" + i);
      }
      ids.add(id);
    }
    return ids;
  }

  /** Waits until the group has committed every inbound record and no event waits in the outbox. */
  private void awaitDrain(
      Admin admin, Topics topics, String group, JdbcClient jdbc, Fleet fleet, int seconds)
      throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    String last = "";
    while (System.nanoTime() < end) {
      fleet.checkAlive();
      long lag = -1;
      long unsent = -1;
      try {
        lag = TopicOffsets.lag(admin, topics.auth(), group);
        // the side effects too: authz commands are delivered behind the records
        unsent =
            jdbc.sql(
                    "SELECT (SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL)"
                        + " + (SELECT COUNT(*) FROM authz_command WHERE done_at IS NULL)")
                .query(Long.class)
                .single();
      } catch (Exception notReachableNow) {
        // a server is still coming back
      }
      if (lag == 0 && unsent == 0) {
        return;
      }
      last = "lag " + lag + ", undelivered events and authz commands " + unsent;
      Procs.sleep(1_000);
    }
    throw new IllegalStateException("not drained after " + seconds + " s: " + last);
  }

  private void report() throws IOException {
    if (rows.isEmpty()) {
      return;
    }
    StringBuilder out = new StringBuilder();
    String format =
        "| %-26s | %7s | %7s | %6s | %8s | %9s | %10s | %13s | %10s | %10s | %7s | %-6s |%n";
    out.append(
        String.format(
            "Fault suite (%s mode, faults.mode): %d records per scenario (faults.records), faults"
                + " of %d s (faults.fault-seconds), seed %d%n%n",
            MODE, RECORDS, FAULT_SECONDS, SEED));
    out.append(
        String.format(
            format,
            "scenario",
            "in",
            "applied",
            "noop",
            "rejected",
            "dup redis",
            "dup ledger",
            "dead-lettered",
            "events out",
            "dup events",
            "drain s",
            "result"));
    out.append(
        String.format(
            format,
            "-".repeat(26),
            "-".repeat(7),
            "-".repeat(7),
            "-".repeat(6),
            "-".repeat(8),
            "-".repeat(9),
            "-".repeat(10),
            "-".repeat(13),
            "-".repeat(10),
            "-".repeat(10),
            "-".repeat(7),
            "-".repeat(6)));
    for (Row r : rows) {
      Oracle.Verdict v = r.verdict;
      String dead =
          v == null
              ? "-"
              : v.deadLettered + (v.deadLetterCopies > 0 ? " (+" + v.deadLetterCopies + ")" : "");
      out.append(
          String.format(
              format,
              r.scenario.label,
              r.recordsIn,
              v == null ? "-" : v.applied,
              v == null ? "-" : v.noop,
              v == null ? "-" : v.rejected,
              r.dupRedis,
              r.dupLedger,
              dead,
              v == null ? "-" : v.eventsOut,
              v == null ? "-" : v.duplicateEvents,
              r.drainSeconds < 0 ? "-" : String.format("%.1f", r.drainSeconds),
              r.pass() ? "PASS" : "FAIL"));
    }
    out.append(
        String.format(
            "%napplied/noop/rejected: ledger outcomes (MySQL); dup redis/ledger: duplicates the"
                + " service counted on its Redis fast path and at the ledger, over all its lives (a kill -9 loses up to"
                + " 1 s of counts); dead-lettered: distinct poison records in the DLQ (+ extra copies); events out:"
                + " distinct event ids on the output topics; dup events: extra copies, all with the same event-id;"
                + " drain s: from the end of the fault and the workload to lag 0 with no unsent outbox"
                + " event and no pending authz command.%n"));
    for (Row r : rows) {
      if (!r.pass()) {
        out.append(String.format("%n%s FAILED:%n", r.scenario.label));
        if (r.error != null) {
          out.append("  ").append(r.error).append('\n');
        } else {
          r.verdict.failures.forEach(f -> out.append("  ").append(f).append('\n'));
        }
      }
    }
    System.out.println();
    System.out.print(out);
    Files.writeString(REPORT, out.toString(), UTF_8);
  }

  static void log(String what) {
    System.out.println(LocalTime.now().format(CLOCK) + " " + what);
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
