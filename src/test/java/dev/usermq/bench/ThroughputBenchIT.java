package dev.usermq.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.usermq.faults.ControllableAuthz;
import dev.usermq.faults.KafkaBroker;
import dev.usermq.faults.MariaDbNode;
import dev.usermq.faults.Procs;
import dev.usermq.faults.RedisNode;
import dev.usermq.faults.ServiceProcess;
import dev.usermq.faults.TopicOffsets;
import dev.usermq.faults.Topics;
import dev.usermq.proto.common.mq.v1.AuthMsg;
import dev.usermq.support.ImageLaunch;
import dev.usermq.support.Msgs;
import dev.usermq.support.PackagedJar;
import dev.usermq.support.PodJvmOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongPredicate;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import java.util.stream.DoubleStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Throughput benchmark (docs/performance.md): the packaged service and a hand-written plain-Java
 * pipeline ({@link PlainPipeline}, the same work and guarantees) on the same workload, each as its
 * own process with the Helm chart's JVM options in a 768 MiB pod, against the fault suite's servers
 * (a Kafka broker, Redis and MariaDB in their own processes, the authz gRPC server in this JVM).
 * The service starts as the image starts it ({@link ImageLaunch}): the jar extracted, with what a
 * training run made of its start (a class-data-sharing archive; on JDK 25, an ahead-of-time cache),
 * both made once in {@code target/bench/image}. The service and the baseline run on the JDK named
 * by {@code service.java-home}, by default the one running the tests.
 *
 * <p>Per system, on fresh topics and a fresh database: {@code bench.records} REGISTER records
 * (unique message ids, distinct accounts) preloaded on a 4-partition topic; the process started;
 * start to the first ledger row; drain rate (first ledger row to the last one with the group's
 * offsets committed to the end and every user granted its role); the same records again
 * (duplicates) until committed; new records at half the drain rate for {@code
 * bench.latency-seconds}, latency from each record's timestamp to its ledger row's {@code
 * created_at}; peak RSS ({@code VmHWM}). It prints one table with the ratios to the baseline, also
 * in {@code target/bench-report.txt}, and fails only when a system did not do all the work (ledger,
 * users, bindings, events, authz grants, offsets).
 *
 * <p>System properties: {@code bench.records} (default 20000), {@code bench.systems}
 * (comma-separated: {@code usermq-default}, {@code usermq-batch}, {@code usermq-c2}, {@code
 * usermq-batch-c2}, {@code plain-4}; default all), {@code bench.latency-seconds} (default 20),
 * {@code bench.timeout} (seconds a phase may take, default 1800), {@code bench.jvm-options} (added
 * to the chart's JVM options of every system), {@code bench.warm-up-records} (default 10000; 0 for
 * none): before the rounds, each system goes through a round's phases with that many records, on
 * topics and a database of its own, its figures not reported, so that the servers in this JVM (the
 * broker, authz) have compiled their code for every system's traffic before the first system is
 * measured; {@code bench.rounds} (default 1): the systems run that many times, in the order {@code
 * bench.systems} names them and then the other way round, and the report adds the median of each
 * figure and of each ratio to the baseline of the same round.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ThroughputBenchIT {

  /** The records of a drain the targets are set for. */
  private static final int DEFAULT_RECORDS = 20_000;

  private static final int RECORDS = Integer.getInteger("bench.records", DEFAULT_RECORDS);
  private static final int LATENCY_SECONDS = Integer.getInteger("bench.latency-seconds", 20);
  private static final int WARM_UP_RECORDS = Integer.getInteger("bench.warm-up-records", 10_000);
  private static final int TIMEOUT_SECONDS = Integer.getInteger("bench.timeout", 1800);
  private static final int ROUNDS = Math.max(1, Integer.getInteger("bench.rounds", 1));
  private static final int PARTITIONS = 4;
  private static final long POLL_MILLIS = 50;

  /** The chart's JVM options in a pod ({@link PodJvmOptions}): every system's. */
  static final List<String> CHART_JVM_OPTIONS = PodJvmOptions.of();

  private static final Path ROOT = Path.of("target", "bench");
  private static final Path REPORT = Path.of("target", "bench-report.txt");
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

  /**
   * Both of the JIT's compilers, C1 and C2, in place of the chart's C1 alone: as the gRPC release
   * of docs/operations.md ("Consumers and gRPC reads apart") runs, and as the chart did before.
   */
  static final List<String> BOTH_COMPILERS = List.of("-XX:TieredStopAtLevel=4");

  /** A system under test. */
  enum Sut {
    USERMQ_DEFAULT(
        "usermq-default",
        "u1",
        "user-mq, as shipped (every setting default)",
        null,
        false,
        List.of()),
    USERMQ_BATCH(
        "usermq-batch", "ub", "user-mq, batch mode, CONSUMER_CONCURRENCY=4", "4", true, List.of()),
    USERMQ_C2(
        "usermq-c2",
        "u2",
        "user-mq, both JIT compilers (C1 and C2), otherwise as shipped",
        null,
        false,
        BOTH_COMPILERS),
    USERMQ_BATCH_C2(
        "usermq-batch-c2",
        "ub2",
        "user-mq, both JIT compilers (C1 and C2), batch mode, CONSUMER_CONCURRENCY=4",
        "4",
        true,
        BOTH_COMPILERS),
    PLAIN_4("plain-4", "p4", "hand-written Java, 4 threads (baseline)", "4", false, List.of());

    final String key;
    final String tag;
    final String label;
    final String concurrency;
    final boolean batch;
    final List<String> releaseJvmOptions;

    Sut(
        String key,
        String tag,
        String label,
        String concurrency,
        boolean batch,
        List<String> releaseJvmOptions) {
      this.key = key;
      this.tag = tag;
      this.label = label;
      this.concurrency = concurrency;
      this.batch = batch;
      this.releaseJvmOptions = releaseJvmOptions;
    }

    boolean isService() {
      return this != PLAIN_4;
    }
  }

  /** One row of the report; NaN or -1 where a phase did not complete. */
  static final class Result {
    final Sut sut;
    final int round;
    double startSeconds = Double.NaN;
    double drainRate = Double.NaN;
    double duplicateRate = Double.NaN;
    double duplicateProduceSeconds = Double.NaN;
    double latencyLoad = Double.NaN;
    int latencyRecords;
    long p50 = -1;
    long p99 = -1;
    long peakRssKb = -1;
    double cpuMsPerRecord = Double.NaN;
    double machineCpuMsPerRecord = Double.NaN;
    double machineBusy = Double.NaN;
    String loadAfterDrain = "-";
    double cpuSlowdown = Double.NaN;

    /** The servers' and the benchmark's CPU a record during the drain, by process. */
    Map<String, Double> serverCpuMsPerRecord = Map.of();

    /** The system's CPU a record during the drain, by group of its threads, most first. */
    Map<String, Double> threadCpuMsPerRecord = Map.of();

    final List<String> missing = new ArrayList<>();
    String error;

    Result(Sut sut, int round) {
      this.sut = sut;
      this.round = round;
    }

    boolean complete() {
      return error == null && missing.isEmpty();
    }

    /** What went wrong, for a system that did not complete. */
    String failure() {
      return sut.label + ": " + (error != null ? error : "did not do all the work: " + missing);
    }
  }

  /** The process of a system under test. */
  private interface Running {
    long pid();

    boolean alive();

    void stop() throws InterruptedException;
  }

  private final List<Result> results = new ArrayList<>();
  private KafkaBroker kafka;
  private RedisNode redis;
  private MariaDbNode mariadb;
  private ControllableAuthz authz;
  private Admin admin;
  private Path jar;
  private ImageLaunch image;
  private String loadAtStart;
  private CpuSpeedProbe cpuSpeed;

  /** The processes besides the system's whose CPU a drain reports, by name. */
  private final Map<String, Long> serverPids = new LinkedHashMap<>();

  @BeforeAll
  void startServers() throws Exception {
    jar = PackagedJar.find();
    deleteRecursively(ROOT);
    Files.createDirectories(ROOT);
    loadAtStart = loadAverage();
    // before the servers start, so that it measures the machine idle
    cpuSpeed = CpuSpeedProbe.start();
    log("benchmark: " + RECORDS + " records, service " + jar);
    if (systems().stream().anyMatch(Sut::isService)) {
      // the service starts as the image starts it: extracted, with the cache or archive of its
      // start
      image = ImageLaunch.prepare(jar, ROOT.resolve("image"), CHART_JVM_OPTIONS);
      log(image.kind() + " made: " + image.archive());
    }
    authz = new ControllableAuthz(1_500);
    redis = new RedisNode();
    redis.start();
    mariadb = new MariaDbNode(ROOT.resolve("mariadb"));
    mariadb.start();
    kafka = new KafkaBroker(ROOT.resolve("kafka"));
    kafka.start();
    admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.brokers()));
    serverPids.put("MariaDB", mariadb.pid());
    serverPids.put("Kafka broker", kafka.pid());
    serverPids.put("Redis", redis.pid());
    serverPids.put("benchmark JVM", ProcessHandle.current().pid());
  }

  @AfterAll
  void stopServers() {
    Procs.closeEach(ThroughputBenchIT::log, admin, kafka, mariadb, redis, authz, cpuSpeed);
  }

  @Test
  void throughputOfTheServiceAndOfTheHandWrittenBaseline() throws Exception {
    if (WARM_UP_RECORDS > 0) {
      // the broker and the authz server run in this JVM and compile their code as they first
      // work, for each system's kind of traffic: without a warm-up by every system, the first
      // system measured would run while they compile for its traffic, and slower
      log("warm-up of the servers by every system, not measured:");
      for (Sut sut : order(1)) {
        Result warmUp = run(sut, 0, WARM_UP_RECORDS);
        if (!warmUp.complete()) {
          throw new AssertionError("the warm-up failed: " + warmUp.failure());
        }
      }
    }
    for (int round = 1; round <= ROUNDS; round++) {
      for (Sut sut : order(round)) {
        results.add(run(sut, round, RECORDS));
      }
    }
    report();
    List<String> failures = new ArrayList<>();
    for (Result r : results) {
      if (!r.complete()) {
        failures.add(r.failure());
      }
    }
    if (!failures.isEmpty()) {
      throw new AssertionError(String.join("\n", failures));
    }
  }

  /**
   * The systems in the order of a round: as {@code bench.systems} names them in odd rounds, the
   * other way round in even ones, so that no system is always measured first or last.
   */
  private List<Sut> order(int round) {
    List<Sut> order = new ArrayList<>(systems());
    if (round % 2 == 0) {
      Collections.reverse(order);
    }
    return order;
  }

  /**
   * One system on {@code records} new records in a round, under names of its own: every phase and
   * its figures; in round 0, the warm-up, the same phases, with figures that are not reported.
   */
  private Result run(Sut sut, int round, int records) {
    Result result = new Result(sut, round);
    String tag = round == 0 ? "w" + sut.tag : round == 1 ? sut.tag : sut.tag + "r" + round;
    log(ROUNDS > 1 && round > 0 ? sut.label + ", round " + round + " of " + ROUNDS : sut.label);
    Topics topics = Topics.of("bench", tag);
    String database = "bench_" + tag;
    String group = "bench-" + tag;
    Running running = null;
    ProcessMeter meter = null;
    try (KafkaProducer<byte[], byte[]> bulk = producer(10);
        KafkaProducer<byte[], byte[]> paced = producer(0)) {
      topics.create(admin, PARTITIONS);
      mariadb.createDatabase(database);
      redis.flushAll();
      authz.reset();

      List<AuthMsg> registers = registers(tag + "-r-", tag + "-o-", records);
      produce(bulk, topics.auth(), registers);
      log("  " + records + " records preloaded on " + PARTITIONS + " partitions");

      try (HikariDataSource db = pool(database)) {
        Map<String, String> env = env(sut, topics, database, group);
        long started = System.nanoTime();
        running = start(sut, name(sut, round), env);
        meter = new ProcessMeter(running.pid());

        // start to the first ledger row
        long first = await(running, "the first ledger row", () -> ledgerRows(db), n -> n >= 1);
        result.startSeconds = seconds(first - started);
        double cpuAtFirst = meter.cpuSeconds();
        MachineCpu machineAtFirst = MachineCpu.now();
        Map<String, Double> serversAtFirst = ProcessCpu.seconds(serverPids);
        Map<Long, ProcessCpu.ThreadTime> threadsAtFirst = ProcessCpu.threads(running.pid());
        log(
            String.format(
                Locale.ROOT,
                "  first record applied %.1f s after start, %.1f s of CPU (load average %s)",
                result.startSeconds,
                cpuAtFirst,
                loadAverage()));

        // drain: every record in the ledger, its offset committed and its user granted (the
        // service delivers the grants behind the records)
        await(running, "the drain's ledger rows", () -> ledgerRows(db), n -> n >= records);
        long drained =
            await(
                running,
                "the drain's commits and grants",
                () ->
                    TopicOffsets.lag(admin, topics.auth(), group)
                        + Math.max(0, records - authz.holding(ControllableAuthz.MEMBER)),
                n -> n == 0);
        result.drainRate = records / seconds(drained - first);
        result.cpuMsPerRecord = (meter.cpuSeconds() - cpuAtFirst) * 1_000 / records;
        MachineCpu machineDrained = MachineCpu.now();
        result.serverCpuMsPerRecord =
            perRecord(serversAtFirst, ProcessCpu.seconds(serverPids), records);
        result.threadCpuMsPerRecord =
            perRecord(
                ProcessCpu.threadGroupsSince(threadsAtFirst, ProcessCpu.threads(running.pid())),
                records);
        result.machineCpuMsPerRecord = machineDrained.busyMillisSince(machineAtFirst) / records;
        result.machineBusy = machineDrained.busyShareSince(machineAtFirst);
        result.loadAfterDrain = loadAverage();
        result.cpuSlowdown = cpuSpeed.slowdown(first, drained);
        log(
            String.format(
                Locale.ROOT,
                "  drain: %.0f msg/s, the machine's CPUs %.0f %% busy, %.2f ms of their time a"
                    + " record (a fixed piece of work took %.2fx its CPU on the idle machine)",
                result.drainRate,
                result.machineBusy * 100,
                result.machineCpuMsPerRecord,
                result.cpuSlowdown));

        // the same records again: duplicates, skipped on the Redis fast path
        long dupStart = System.nanoTime();
        produce(bulk, topics.auth(), registers);
        result.duplicateProduceSeconds = seconds(System.nanoTime() - dupStart);
        long dupDone =
            await(
                running,
                "the duplicates' commits",
                () -> TopicOffsets.lag(admin, topics.auth(), group),
                n -> n == 0);
        result.duplicateRate = records / seconds(dupDone - dupStart);
        log(String.format(Locale.ROOT, "  duplicates: %.0f msg/s", result.duplicateRate));

        // latency at half the drain rate
        result.latencyLoad = result.drainRate / 2;
        int latencyRecords = (int) Math.max(1, Math.round(result.latencyLoad * LATENCY_SECONDS));
        result.latencyRecords = latencyRecords;
        List<AuthMsg> fresh = registers(tag + "-l-", tag + "-lat-", latencyRecords);
        Map<String, Long> sentAt = producePaced(paced, topics.auth(), fresh, result.latencyLoad);
        await(
            running,
            "the latency records' ledger rows",
            () -> ledgerRows(db),
            n -> n >= records + latencyRecords);
        await(
            running,
            "the latency records' commits",
            () -> TopicOffsets.lag(admin, topics.auth(), group),
            n -> n == 0);
        long[] latencies = latencies(db, tag + "-l-", sentAt);
        result.p50 = percentile(latencies, 50);
        result.p99 = percentile(latencies, 99);
        log(
            String.format(
                Locale.ROOT,
                "  latency at %.0f msg/s: p50 %d ms, p99 %d ms",
                result.latencyLoad,
                result.p50,
                result.p99));

        result.peakRssKb = meter.peakRssKb();
        result.missing.addAll(
            checkWork(db, topics, group, records + latencyRecords, 2L * records + latencyRecords));
        log(result.missing.isEmpty() ? "  all work done" : "  MISSING: " + result.missing);
      }
    } catch (Throwable e) {
      log("  ERROR " + e);
      result.error = String.valueOf(e);
    } finally {
      if (meter != null) {
        if (result.peakRssKb < 0) {
          result.peakRssKb = meter.peakRssKb();
        }
        meter.close();
      }
      if (running != null) {
        try {
          running.stop();
        } catch (Exception e) {
          log("  could not stop " + sut.label + ": " + e);
        }
      }
    }
    return result;
  }

  /**
   * The name of a system's run: its key in the first round, with the warm-up or the round after it
   * otherwise; its log is {@code target/bench/<name>.log}.
   */
  private static String name(Sut sut, int round) {
    return round == 0 ? sut.key + "-warm-up" : round == 1 ? sut.key : sut.key + "-round" + round;
  }

  private Running start(Sut sut, String name, Map<String, String> env) throws IOException {
    Path logFile = ROOT.resolve(name + ".log");
    List<String> jvmOptions = jvmOptions(sut, name);
    if (sut.isService()) {
      List<String> options = new ArrayList<>();
      if (image.usableWith(jvmOptions)) {
        options.addAll(image.jvmOptions());
      } else {
        log("  started without the " + image.kind() + ": a recording or an agent is on");
      }
      options.addAll(jvmOptions);
      ServiceProcess service = ServiceProcess.start(sut.key, image.jar(), options, env, logFile);
      return new Running() {
        @Override
        public long pid() {
          return service.pid();
        }

        @Override
        public boolean alive() {
          return service.alive();
        }

        @Override
        public void stop() throws InterruptedException {
          service.stop();
        }

        @Override
        public String toString() {
          return logFile.toString();
        }
      };
    }
    ProcessBuilder builder =
        Procs.java(Procs.serviceJavaBin(), jvmOptions, PlainPipeline.class.getName(), List.of())
            .redirectErrorStream(true)
            .redirectOutput(logFile.toFile());
    builder.environment().putAll(env);
    Process process = builder.start();
    Procs.track(process);
    return new Running() {
      @Override
      public long pid() {
        return process.pid();
      }

      @Override
      public boolean alive() {
        return process.isAlive();
      }

      @Override
      public void stop() throws InterruptedException {
        Procs.stop(process, 60);
      }

      @Override
      public String toString() {
        return logFile.toString();
      }
    };
  }

  /**
   * The chart's options, those the system's release adds, then those of {@code bench.jvm-options}
   * (e.g. a flight recording, its file named with {@code {system}}, replaced by the name of the
   * system's run).
   */
  private static List<String> jvmOptions(Sut sut, String name) {
    List<String> options = new ArrayList<>(CHART_JVM_OPTIONS);
    if (sut != null) {
      options.addAll(sut.releaseJvmOptions);
    }
    for (String extra : System.getProperty("bench.jvm-options", "").trim().split("\\s+")) {
      if (!extra.isEmpty()) {
        options.add(sut == null ? extra : extra.replace("{system}", name));
      }
    }
    return options;
  }

  /**
   * The endpoints, topics and group; everything else at the service's defaults. The default system
   * leaves CONSUMER_CONCURRENCY unset, as shipped.
   */
  private Map<String, String> env(Sut sut, Topics topics, String database, String group) {
    Map<String, String> env = ServiceProcess.endpoints(kafka, mariadb, database, redis, authz);
    topics.putInto(env);
    env.put("CONSUMER_GROUP_ID", group);
    if (sut.concurrency != null) {
      env.put("CONSUMER_CONCURRENCY", sut.concurrency);
    }
    if (sut.batch) {
      env.put("CONSUMER_BATCH_ENABLED", "true");
    }
    env.put("SERVER_PORT", "0");
    env.put("GRPC_PORT", "0");
    return env;
  }

  /** REGISTER messages with unique message ids and distinct accounts. */
  private static List<AuthMsg> registers(String idPrefix, String openIdPrefix, int count) {
    List<AuthMsg> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(
          Msgs.register("wechat", openIdPrefix + i).toBuilder().setMessageId(idPrefix + i).build());
    }
    return out;
  }

  /** As fast as the broker takes them, keyed by the open id (spread over the partitions). */
  private static void produce(
      KafkaProducer<byte[], byte[]> producer, String topic, List<AuthMsg> msgs) {
    AtomicReference<Exception> failure = new AtomicReference<>();
    for (AuthMsg msg : msgs) {
      producer.send(
          new ProducerRecord<>(topic, msg.getOpenId().getBytes(UTF_8), msg.toByteArray()),
          (meta, e) -> {
            if (e != null) {
              failure.compareAndSet(null, e);
            }
          });
    }
    producer.flush();
    if (failure.get() != null) {
      throw new IllegalStateException("could not produce the workload", failure.get());
    }
  }

  /** At {@code rate} records a second; returns each message's record timestamp. */
  private static Map<String, Long> producePaced(
      KafkaProducer<byte[], byte[]> producer, String topic, List<AuthMsg> msgs, double rate) {
    Map<String, Long> sentAt = new ConcurrentHashMap<>();
    AtomicReference<Exception> failure = new AtomicReference<>();
    long start = System.nanoTime();
    int i = 0;
    while (i < msgs.size()) {
      long due = (long) (seconds(System.nanoTime() - start) * rate) + 1;
      for (; i < msgs.size() && i < due; i++) {
        AuthMsg msg = msgs.get(i);
        long now = System.currentTimeMillis();
        sentAt.put(msg.getMessageId(), now);
        producer.send(
            new ProducerRecord<>(
                topic, null, now, msg.getOpenId().getBytes(UTF_8), msg.toByteArray()),
            (meta, e) -> {
              if (e != null) {
                failure.compareAndSet(null, e);
              }
            });
      }
      Procs.sleep(2);
    }
    producer.flush();
    if (failure.get() != null) {
      throw new IllegalStateException("could not produce the latency records", failure.get());
    }
    return sentAt;
  }

  /** Milliseconds from each record's timestamp to its ledger row's insert time. */
  private static long[] latencies(HikariDataSource db, String idPrefix, Map<String, Long> sentAt)
      throws SQLException {
    List<Long> out = new ArrayList<>();
    try (Connection c = db.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT message_id, ROUND(UNIX_TIMESTAMP(created_at) * 1000)"
                    + " FROM auth_msg WHERE message_id LIKE ?")) {
      s.setString(1, idPrefix + "%");
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          Long sent = sentAt.get(rs.getString(1));
          if (sent != null) {
            out.add(rs.getLong(2) - sent);
          }
        }
      }
    }
    if (out.size() != sentAt.size()) {
      throw new IllegalStateException(
          "the ledger has " + out.size() + " of the " + sentAt.size() + " latency records");
    }
    return out.stream().mapToLong(Long::longValue).sorted().toArray();
  }

  /** Nearest-rank percentile of sorted values. */
  private static long percentile(long[] sorted, int p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  /**
   * What a system must have done: every message once in the ledger as APPLIED, a user and a binding
   * each, no event or authz command left undelivered, one {@code user.count} event per user (by
   * {@code event-id}), member granted to every user, the group's offsets at the end, no dead letter
   * and no order event.
   */
  private List<String> checkWork(
      HikariDataSource db, Topics topics, String group, long expected, long inbound)
      throws Exception {
    // delivered events and commands are marked behind their records, every outbox.mark-interval
    // (100 ms): give the last marks a few intervals to be written
    try {
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(5))
          .pollInterval(java.time.Duration.ofMillis(POLL_MILLIS))
          .until(
              () ->
                  count(db, "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL")
                          + count(db, "SELECT COUNT(*) FROM authz_command WHERE done_at IS NULL")
                      == 0);
    } catch (org.awaitility.core.ConditionTimeoutException stillPending) {
      // reported by the counts below
    }
    List<String> missing = new ArrayList<>();
    Map<String, String> counts = new LinkedHashMap<>();
    counts.put("ledger rows", "SELECT COUNT(*) FROM auth_msg");
    counts.put(
        "applied ledger rows",
        "SELECT COUNT(*) FROM auth_msg WHERE processed = 1 AND outcome = 'APPLIED'");
    counts.put("users", "SELECT COUNT(*) FROM `user`");
    counts.put("bindings", "SELECT COUNT(*) FROM user_third_auth");
    counts.put("published outbox events", "SELECT COUNT(*) FROM outbox WHERE sent_at IS NOT NULL");
    counts.put(
        "delivered authz commands", "SELECT COUNT(*) FROM authz_command WHERE done_at IS NOT NULL");
    for (Map.Entry<String, String> e : counts.entrySet()) {
      long n = count(db, e.getValue());
      if (n != expected) {
        missing.add(e.getKey() + " " + n + ", expected " + expected);
      }
    }
    long unsent = count(db, "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL");
    if (unsent != 0) {
      missing.add(unsent + " outbox events not published");
    }
    Set<String> eventIds = eventIds(topics.user());
    if (eventIds.size() != expected) {
      missing.add("distinct user.count events " + eventIds.size() + ", expected " + expected);
    }
    long grants = authz.holding(ControllableAuthz.MEMBER);
    if (grants != expected) {
      missing.add("users granted member " + grants + ", expected " + expected);
    }
    long committed = TopicOffsets.committed(admin, topics.auth(), group);
    if (committed != inbound) {
      missing.add("committed offsets " + committed + ", expected " + inbound);
    }
    for (String topic : List.of(topics.dlq(), topics.order())) {
      long records = TopicOffsets.records(admin, topic);
      if (records != 0) {
        missing.add(topic + " holds " + records + " records, expected none");
      }
    }
    return missing;
  }

  /** The distinct event-id headers of a topic's records. */
  private Set<String> eventIds(String topic) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.brokers());
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
    Set<String> ids = new HashSet<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      TopicPartition tp = new TopicPartition(topic, 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long end = consumer.endOffsets(List.of(tp)).get(tp);
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
      while (consumer.position(tp) < end && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(java.time.Duration.ofSeconds(1))) {
          Header id = r.headers().lastHeader("event-id");
          if (id != null) {
            ids.add(new String(id.value(), UTF_8));
          }
        }
      }
    }
    return ids;
  }

  /**
   * Polls {@code probe} every {@value #POLL_MILLIS} ms until its value passes {@code done}; returns
   * the {@link System#nanoTime()} of that poll. A probe that throws (the schema not there yet) is
   * polled again.
   */
  private long await(Running running, String what, Probe probe, LongPredicate done)
      throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
    long last = -1;
    while (System.nanoTime() < end) {
      try {
        last = probe.value();
        if (done.test(last)) {
          return System.nanoTime();
        }
      } catch (Exception notYet) {
        // e.g. the service has not created its tables yet
      }
      if (!running.alive()) {
        throw new IllegalStateException("the process exited, see " + running);
      }
      Thread.sleep(POLL_MILLIS);
    }
    throw new IllegalStateException(
        "no "
            + what
            + " after "
            + TIMEOUT_SECONDS
            + " s (last value "
            + last
            + "), see "
            + running);
  }

  @FunctionalInterface
  private interface Probe {
    long value() throws Exception;
  }

  private static long ledgerRows(HikariDataSource db) throws SQLException {
    return count(db, "SELECT COUNT(*) FROM auth_msg");
  }

  private static long count(HikariDataSource db, String sql) throws SQLException {
    try (Connection c = db.getConnection();
        PreparedStatement s = c.prepareStatement(sql);
        ResultSet rs = s.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** The benchmark's own connections to a system's database, for its probes and checks. */
  private HikariDataSource pool(String database) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(mariadb.jdbcUrl(database));
    config.setUsername("root");
    config.setPassword("");
    config.setMaximumPoolSize(2);
    config.setPoolName("bench-probe");
    return new HikariDataSource(config);
  }

  private KafkaProducer<byte[], byte[]> producer(int lingerMs) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.brokers());
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private List<Sut> systems() {
    String wanted = System.getProperty("bench.systems", "");
    if (wanted.isBlank()) {
      return List.of(Sut.values());
    }
    Map<String, Sut> byKey =
        Arrays.stream(Sut.values()).collect(Collectors.toMap(s -> s.key, s -> s));
    List<Sut> out = new ArrayList<>();
    for (String name : wanted.split(",")) {
      Sut sut = byKey.get(name.trim().toLowerCase(Locale.ROOT));
      if (sut == null) {
        throw new IllegalArgumentException(
            "bench.systems names no system: " + name + "; the systems are " + byKey.keySet());
      }
      out.add(sut);
    }
    return out;
  }

  /**
   * A column of the report: how a result's figure is read and written, and whether it has a ratio.
   */
  private record Figure(String format, ToDoubleFunction<Result> value, boolean ratio) {}

  private static final Figure DRAIN = new Figure("%.0f", r -> r.drainRate, true);

  private static final Figure DUPLICATES = new Figure("%.0f", r -> r.duplicateRate, true);

  private static final Figure START = new Figure("%.1f", r -> r.startSeconds, true);

  private static final Figure PEAK_RSS_MIB =
      new Figure("%.0f", r -> r.peakRssKb < 0 ? Double.NaN : r.peakRssKb / 1024.0, true);

  private static final Figure CPU = new Figure("%.2f", r -> r.cpuMsPerRecord, true);

  private static final List<Figure> FIGURES =
      List.of(
          DRAIN,
          DUPLICATES,
          new Figure("%.0f", r -> r.p50 < 0 ? Double.NaN : r.p50, true),
          new Figure("%.0f", r -> r.p99 < 0 ? Double.NaN : r.p99, true),
          new Figure("%.0f", r -> r.latencyLoad, false),
          START,
          PEAK_RSS_MIB,
          CPU,
          new Figure("%.2f", r -> r.machineCpuMsPerRecord, true));

  private static final String TABLE_HEAD =
      "| system | drain msg/s | duplicates msg/s | latency p50 ms | latency p99 ms"
          + " | latency at msg/s | start → first applied s | peak RSS MiB | CPU ms/record (drain)"
          + " | machine CPU ms/record (drain) | all work done |\n"
          + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n";

  private void report() throws IOException {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "Throughput benchmark, %s: %d REGISTER records on %d partitions (bench.records),"
                + " latency over %d s (bench.latency-seconds), after a warm-up of the servers"
                + " by each system with %d records (bench.warm-up-records); %d round%s"
                + " (bench.rounds); %d cores, %d GiB; the systems on Java %s; load average (1 min)"
                + " at start %s; JVM options %s; the service extracted and started with the %s of"
                + " its start, as the image starts it%n%n",
            LocalDateTime.now().withNano(0),
            RECORDS,
            PARTITIONS,
            LATENCY_SECONDS,
            WARM_UP_RECORDS,
            ROUNDS,
            ROUNDS == 1 ? "" : "s",
            Runtime.getRuntime().availableProcessors(),
            Math.round(memTotalKb() / 1024.0 / 1024.0),
            Procs.serviceJdkVersion(),
            loadAtStart,
            String.join(" ", jvmOptions(null, null)),
            image != null ? image.kind() : "-"));
    if (ROUNDS == 1) {
      out.append(roundTable(1));
    } else {
      for (int round = 1; round <= ROUNDS; round++) {
        out.append(String.format(Locale.ROOT, "Round %d:%n%n", round)).append(roundTable(round));
        out.append('\n');
      }
      out.append(
          String.format(
              Locale.ROOT,
              "Median of the %d rounds (each figure the median of the system's; each ratio the"
                  + " median of its ratios to the baseline of the same round):%n%n",
              ROUNDS));
      out.append(medianTable());
      out.append('\n');
      for (Sut sut : systems()) {
        if (sut != Sut.PLAIN_4) {
          out.append(
              String.format(
                  Locale.ROOT,
                  "%s, drain by round: %s%n",
                  sut.key,
                  runsOf(sut).stream()
                      .map(r -> cell(DRAIN.value().applyAsDouble(r), DRAIN, ratio(r, DRAIN)))
                      .collect(Collectors.joining(", "))));
        }
      }
    }
    out.append(
        String.format(
            Locale.ROOT,
            "%n(x.xx×): the figure divided by the baseline's in the same round. drain: first"
                + " ledger row to the last one with the group's offsets committed to the end and"
                + " every user granted its role."
                + " duplicates: the same records produced again, from the first send to the offsets"
                + " committed to the end (the producer's own time is its floor: %s). latency:"
                + " record timestamp to the ledger row's created_at (its insert, in the record's"
                + " transaction), new records at half the drain rate. start: process start to the"
                + " first ledger row (migrations of an empty database included). peak RSS: VmHWM."
                + " CPU: user + system time of the process during the drain, per record (JIT"
                + " compilation included). machine CPU: the busy time of all the machine's CPUs"
                + " during the drain (/proc/stat: user, nice, system, interrupts), per record: the"
                + " system, its servers, the benchmark; the share of the time they were busy: %s."
                + " Load average (1 min) of the machine at the end of each drain: %s. CPU time"
                + " of a fixed piece of work during each drain, against the same on the idle"
                + " machine (%.0f µs; 1.25: a quarter more CPU for the same work): %s.%n",
            results.stream()
                .map(
                    r ->
                        String.format(
                            Locale.ROOT, "%s %.2f s", runName(r), r.duplicateProduceSeconds))
                .collect(Collectors.joining(", ")),
            results.stream()
                .map(r -> String.format(Locale.ROOT, "%s %.0f %%", runName(r), r.machineBusy * 100))
                .collect(Collectors.joining(", ")),
            results.stream()
                .map(r -> runName(r) + " " + r.loadAfterDrain)
                .collect(Collectors.joining(", ")),
            cpuSpeed.idleMicros(),
            results.stream()
                .map(r -> String.format(Locale.ROOT, "%s %.2f", runName(r), r.cpuSlowdown))
                .collect(Collectors.joining(", "))));
    out.append(processTable());
    out.append(targetsSection());
    for (Result r : results) {
      if (!r.complete()) {
        out.append(String.format("%n%s: %s%n", runName(r), r.error != null ? r.error : r.missing));
      }
    }
    System.out.println();
    System.out.print(out);
    Files.createDirectories(REPORT.getParent());
    Files.writeString(REPORT, out.toString(), UTF_8);
  }

  /** The targets read off the shipped systems' figures (their medians over the rounds). */
  private String targetsSection() {
    List<String> lines =
        Targets.judge(targetFigures(Sut.USERMQ_DEFAULT), targetFigures(Sut.USERMQ_BATCH));
    if (lines.isEmpty()) {
      return "";
    }
    boolean asSet =
        RECORDS == DEFAULT_RECORDS
            && WARM_UP_RECORDS > 0
            && jvmOptions(null, null).equals(CHART_JVM_OPTIONS)
            && System.getProperty(Procs.SERVICE_JAVA_HOME) == null;
    return String.format(
            Locale.ROOT,
            "%nTargets (docs/performance.md), on %s%s:%n%n",
            ROUNDS == 1 ? "this round's figures" : "the medians of the rounds",
            asSet
                ? ""
                : String.format(
                    Locale.ROOT,
                    "; they are set for %,d records after a warm-up, with the chart's JVM options"
                        + " only, on the JDK running the tests, which this run does not have",
                    DEFAULT_RECORDS))
        + lines.stream().map(l -> "- " + l + "\n").collect(Collectors.joining());
  }

  /** A system's figures as the targets read them; null when it did not run. */
  private Targets.Figures targetFigures(Sut sut) {
    List<Result> runs = runsOf(sut);
    if (runs.isEmpty()) {
      return null;
    }
    return new Targets.Figures(
        sut.key,
        medianRatio(runs, DRAIN),
        medianRatio(runs, DUPLICATES),
        median(runs, START),
        median(runs, PEAK_RSS_MIB));
  }

  /**
   * The CPU a record of every process during each drain, and of the system's groups of threads:
   * where the machine's CPU a record went.
   */
  private String processTable() {
    StringBuilder out =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%nCPU a record during the drain by process, ms (benchmark JVM: the authz"
                    + " server, the benchmark's Kafka clients and its CPU probe; the rest: the"
                    + " machine's busy time none of them took, the kernel's own threads and"
                    + " anything else that ran):%n%n| run | the system | %s | the rest | the"
                    + " machine |%n"
                    + "|---|---:|%s---:|---:|%n",
                String.join(" | ", serverPids.keySet()),
                "---:|".repeat(serverPids.size())));
    StringBuilder threads =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%nThe system's threads during the drain, ms a record, by the name the kernel keeps"
                    + " for them (its first 15 characters, without the digits at its end; Camel's"
                    + " threads include the consumers), the groups over 0.01 ms:%n%n"));
    for (Result r : results) {
      if (Double.isNaN(r.machineCpuMsPerRecord)) {
        continue;
      }
      double rest = r.machineCpuMsPerRecord - r.cpuMsPerRecord;
      out.append("| ").append(runName(r)).append(" | ").append(ms(r.cpuMsPerRecord));
      for (String server : serverPids.keySet()) {
        double used = r.serverCpuMsPerRecord.getOrDefault(server, Double.NaN);
        rest -= Double.isNaN(used) ? 0 : used;
        out.append(" | ").append(ms(used));
      }
      out.append(" | ")
          .append(ms(rest))
          .append(" | ")
          .append(ms(r.machineCpuMsPerRecord))
          .append(" |\n");
      threads
          .append("- ")
          .append(runName(r))
          .append(": ")
          .append(
              r.threadCpuMsPerRecord.entrySet().stream()
                  .filter(e -> e.getValue() > 0.01)
                  .map(e -> e.getKey() + " " + ms(e.getValue()))
                  .collect(Collectors.joining(", ")))
          .append('\n');
    }
    return out.append(threads).toString();
  }

  /** CPU ms a record as the tables give it. */
  private static String ms(double value) {
    return cell(value, CPU, Double.NaN);
  }

  /** What each process used between two readings of its CPU seconds, in ms a record. */
  private static Map<String, Double> perRecord(
      Map<String, Double> earlier, Map<String, Double> later, int records) {
    Map<String, Double> used = new LinkedHashMap<>();
    later.forEach(
        (name, seconds) -> {
          Double before = earlier.get(name);
          if (before != null) {
            used.put(name, seconds - before);
          }
        });
    return perRecord(used, records);
  }

  /** CPU seconds as ms a record, in the same order. */
  private static Map<String, Double> perRecord(Map<String, Double> seconds, int records) {
    Map<String, Double> ms = new LinkedHashMap<>();
    seconds.forEach((name, s) -> ms.put(name, s * 1_000 / records));
    return ms;
  }

  private static String runName(Result r) {
    return name(r.sut, r.round);
  }

  /** The baseline's result in a round, if it ran there without an error. */
  private Result baseOf(int round) {
    return results.stream()
        .filter(r -> r.round == round && r.sut == Sut.PLAIN_4 && r.error == null)
        .findFirst()
        .orElse(null);
  }

  /**
   * The figure of {@code r} divided by that of its round's baseline; NaN for a figure without a
   * ratio, for the baseline itself, or when either figure is missing.
   */
  private double ratio(Result r, Figure f) {
    Result base = baseOf(r.round);
    if (!f.ratio() || base == null || base == r) {
      return Double.NaN;
    }
    double own = f.value().applyAsDouble(r);
    double theirs = f.value().applyAsDouble(base);
    return theirs > 0 ? own / theirs : Double.NaN;
  }

  /** One round's table: each system's figures and their ratios to the round's baseline. */
  private String roundTable(int round) {
    StringBuilder out = new StringBuilder(TABLE_HEAD);
    for (Result r : results) {
      if (r.round != round) {
        continue;
      }
      out.append("| ").append(r.sut.label);
      for (Figure f : FIGURES) {
        out.append(" | ").append(cell(f.value().applyAsDouble(r), f, ratio(r, f)));
      }
      out.append(" | ").append(r.complete() ? "yes" : "NO").append(" |\n");
    }
    return out.toString();
  }

  /** The median over the rounds of each system's figures, and of their ratios. */
  private String medianTable() {
    StringBuilder out = new StringBuilder(TABLE_HEAD);
    for (Sut sut : systems()) {
      List<Result> runs = runsOf(sut);
      out.append("| ").append(sut.label);
      for (Figure f : FIGURES) {
        out.append(" | ").append(cell(median(runs, f), f, medianRatio(runs, f)));
      }
      out.append(" | ")
          .append(runs.stream().allMatch(Result::complete) ? "yes" : "NO")
          .append(" |\n");
    }
    return out.toString();
  }

  /** A system's results, one a round. */
  private List<Result> runsOf(Sut sut) {
    return results.stream().filter(r -> r.sut == sut).toList();
  }

  /** The median of a figure over the runs. */
  private static double median(List<Result> runs, Figure f) {
    return median(runs.stream().mapToDouble(f.value()));
  }

  /** The median of a figure's ratios to the baseline of each run's round. */
  private double medianRatio(List<Result> runs, Figure f) {
    return median(runs.stream().mapToDouble(r -> ratio(r, f)));
  }

  /** The median of the numbers that are not NaN; NaN when there are none. */
  static double median(DoubleStream values) {
    double[] sorted = values.filter(v -> !Double.isNaN(v)).sorted().toArray();
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  /** A figure in its format, and its ratio to the baseline's when there is one. */
  private static String cell(double value, Figure f, double ratio) {
    if (Double.isNaN(value)) {
      return "-";
    }
    String text = String.format(Locale.ROOT, f.format(), value);
    if (!Double.isNaN(ratio)) {
      text += String.format(Locale.ROOT, " (%.2f×)", ratio);
    }
    return text;
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException e) {
      return "?";
    }
  }

  private static long memTotalKb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      // unknown
    }
    return 0;
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  static void log(String what) {
    System.out.println(LocalTime.now().format(CLOCK) + " " + what);
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
