package dev.usermq.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usermq.faults.ControllableAuthz;
import dev.usermq.faults.KafkaBroker;
import dev.usermq.faults.MariaDbNode;
import dev.usermq.faults.Ports;
import dev.usermq.faults.Procs;
import dev.usermq.faults.RedisNode;
import dev.usermq.faults.ServiceProcess;
import dev.usermq.support.PackagedJar;
import dev.usermq.support.PodJvmOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Throughput and latency of the user gRPC service's reads, from a Java client ({@link GrpcLoad}) on
 * this machine, against the packaged service run as its own process with the Helm chart's JVM
 * options in a 768 MiB container's ergonomics, as the gRPC release runs it (no consumer), over
 * MariaDB, Redis and a Kafka broker in their own processes.
 *
 * <p>It reads {@code bench.grpc.users} users (inserted into the migrated schema): {@code GetUser}
 * uncached (Redis flushed, every id read once: a Redis miss, two SQL queries, a Redis write), then
 * cached (the same ids again: one Redis read), each at the highest rate {@code
 * bench.grpc.concurrency} calls in flight get, then at a fixed rate of half that; and {@code
 * GetUserByThirdAuth} (an SQL query for the binding, the user from the cache) the same way. The
 * table is printed and written to {@code target/grpc-bench-report.txt}. It fails only if calls
 * failed, never on timings.
 *
 * <p>System properties: {@code bench.grpc.users} (10000), {@code bench.grpc.seconds} (20, each
 * measured phase), {@code bench.grpc.warmup-seconds} (30), {@code bench.grpc.concurrency} (32),
 * {@code bench.grpc.channels} (4), {@code bench.grpc.jfr} (true: the service records a flight
 * recording, {@code target/grpc-bench/service.jfr}), {@code bench.grpc.jvm-options} (more options
 * for the service, space-separated).
 */
class GrpcBenchIT {

  private static final int USERS = Integer.getInteger("bench.grpc.users", 10_000);
  private static final Duration PHASE =
      Duration.ofSeconds(Integer.getInteger("bench.grpc.seconds", 20));
  private static final Duration WARMUP =
      Duration.ofSeconds(Integer.getInteger("bench.grpc.warmup-seconds", 30));
  private static final int CONCURRENCY = Integer.getInteger("bench.grpc.concurrency", 32);
  private static final int CHANNELS = Integer.getInteger("bench.grpc.channels", 4);
  private static final boolean JFR = Boolean.getBoolean("bench.grpc.jfr");
  private static final Duration CALL_DEADLINE = Duration.ofSeconds(10);
  private static final Duration NO_LIMIT = Duration.ofMinutes(10);

  private static final Path ROOT = Path.of("target", "grpc-bench");
  private static final Path REPORT = Path.of("target", "grpc-bench-report.txt");
  private static final String DATABASE = "bench";

  /**
   * One measured phase, with the CPU the service took during it, and how busy the machine was: all
   * its CPUs together, and the part of that not taken by the benchmark's own processes (the
   * service, this JVM, Redis, MariaDB), i.e. by whatever else ran on the machine.
   */
  record Row(
      GrpcLoad.Result result, double serviceCpuSeconds, double busyCores, double otherCores) {

    double serviceCpuMicrosPerCall() {
      return result.calls() == 0 ? 0 : serviceCpuSeconds * 1e6 / result.calls();
    }
  }

  /** CPU time so far of the machine and of the benchmark's processes. */
  record Cpu(long busyJiffies, long totalJiffies, double service, double ours) {

    /** Reads the counters; {@code pids} are the benchmark's processes besides the service. */
    static Cpu now(long servicePid, List<Long> pids) throws IOException {
      String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      // user nice system idle iowait irq softirq steal; guest time is counted in user already
      long total = 0;
      for (int i = 1; i <= 8 && i < cpu.length; i++) {
        total += Long.parseLong(cpu[i]);
      }
      // idle and iowait
      long busy = total - Long.parseLong(cpu[4]) - Long.parseLong(cpu[5]);
      double service = cpuSeconds(servicePid);
      double ours = service;
      for (long pid : pids) {
        ours += cpuSeconds(pid);
      }
      return new Cpu(busy, total, service, ours);
    }

    private static double cpuSeconds(long pid) {
      return ProcessHandle.of(pid)
          .flatMap(p -> p.info().totalCpuDuration())
          .map(d -> d.toNanos() / 1e9)
          .orElse(0.0);
    }
  }

  private long servicePid;
  private List<Long> benchPids = List.of();

  @Test
  void userReadsOverGrpc() throws Exception {
    Path jar = PackagedJar.find();
    deleteRecursively(ROOT);
    Files.createDirectories(ROOT);
    String machine = machine();
    log("gRPC benchmark: " + USERS + " users, service " + jar + "\n" + machine);

    List<AutoCloseable> servers = new ArrayList<>();
    ServiceProcess service = null;
    try {
      ControllableAuthz authz = new ControllableAuthz(1_500);
      servers.add(authz);
      RedisNode redis = new RedisNode();
      servers.add(redis);
      redis.start();
      MariaDbNode mariadb = new MariaDbNode(ROOT.resolve("mariadb"));
      servers.add(mariadb);
      mariadb.start();
      mariadb.createDatabase(DATABASE);
      KafkaBroker kafka = new KafkaBroker(ROOT.resolve("kafka"));
      servers.add(kafka);
      kafka.start();
      createTopics(kafka);

      int grpcPort = Ports.free();
      List<String> jvmOptions = jvmOptions();
      log("service JVM options: " + String.join(" ", jvmOptions));
      service =
          ServiceProcess.start(
              "grpc-bench",
              jar,
              jvmOptions,
              env(kafka, mariadb, redis, authz, grpcPort),
              ROOT.resolve("service.log"));
      service.awaitStarted(180);
      Ports.awaitListening(grpcPort, 60);
      servicePid = service.pid();
      benchPids = List.of(ProcessHandle.current().pid(), redis.pid(), mariadb.pid());

      JdbcClient jdbc = mariadb.client(DATABASE);
      insertUsers(jdbc, USERS);
      List<Long> ids = LongStream.rangeClosed(1, USERS).boxed().collect(Collectors.toList());
      Collections.shuffle(ids, new Random(20_260_115L));
      List<String> openIds = ids.stream().map(id -> "bench-" + id).toList();
      GrpcLoad.Call byId = GrpcLoad.getUser(ids);
      GrpcLoad.Call byAccount = GrpcLoad.getUserByThirdAuth("wechat", openIds);

      List<GrpcLoad.Result> warmUp = new ArrayList<>();
      List<Row> rows = new ArrayList<>();
      try (GrpcLoad load = new GrpcLoad("127.0.0.1", grpcPort, CHANNELS, CALL_DEADLINE)) {
        // warm-up: the JIT compiles both paths before anything is measured
        for (int i = 0; i < 2; i++) {
          redis.flushAll();
          warmUp.add(load.closedLoop("warm-up uncached", byId, CONCURRENCY, USERS, NO_LIMIT));
        }
        warmUp.add(load.closedLoop("warm-up cached", byId, CONCURRENCY, Long.MAX_VALUE, WARMUP));
        warmUp.add(
            load.closedLoop(
                "warm-up by account", byAccount, CONCURRENCY, Long.MAX_VALUE, WARMUP.dividedBy(2)));
        warmUp.forEach(r -> log("  " + r));
        log("  warm-up done");

        // uncached: every id read once after a flush, so every call misses the cache
        redis.flushAll();
        Row uncached =
            measure(() -> load.closedLoop("GetUser uncached", byId, CONCURRENCY, USERS, NO_LIMIT));
        rows.add(uncached);
        redis.flushAll();
        double uncachedHalf = uncached.result().callsPerSecond() / 2;
        rows.add(
            measure(
                () ->
                    load.openLoop(
                        "GetUser uncached",
                        byId,
                        uncachedHalf,
                        Duration.ofNanos((long) (USERS / uncachedHalf * 1e9)))));

        // cached: every id was read just now
        Row cached =
            measure(
                () -> load.closedLoop("GetUser cached", byId, CONCURRENCY, Long.MAX_VALUE, PHASE));
        rows.add(cached);
        double cachedHalf = cached.result().callsPerSecond() / 2;
        rows.add(measure(() -> load.openLoop("GetUser cached", byId, cachedHalf, PHASE)));

        Row account =
            measure(
                () ->
                    load.closedLoop(
                        "GetUserByThirdAuth, user cached",
                        byAccount,
                        CONCURRENCY,
                        Long.MAX_VALUE,
                        PHASE));
        rows.add(account);
        double accountHalf = account.result().callsPerSecond() / 2;
        rows.add(
            measure(
                () ->
                    load.openLoop(
                        "GetUserByThirdAuth, user cached", byAccount, accountHalf, PHASE)));
      }

      String report = report(machine, jvmOptions, rows);
      log("\n" + report);
      Files.writeString(REPORT, report, StandardCharsets.UTF_8);

      for (GrpcLoad.Result r : warmUp) {
        assertThat(r.errorsByStatus()).as(r.name() + " errors").isEmpty();
      }
      for (Row row : rows) {
        assertThat(row.result().errorsByStatus()).as(row.result().name() + " errors").isEmpty();
      }
    } finally {
      if (service != null) {
        service.stop();
      }
      Collections.reverse(servers);
      for (AutoCloseable server : servers) {
        try {
          server.close();
        } catch (Exception e) {
          log("could not stop " + server + ": " + e);
        }
      }
    }
  }

  /** A phase of the load generator. */
  @FunctionalInterface
  interface Phase {
    GrpcLoad.Result run() throws InterruptedException;
  }

  private Row measure(Phase phase) throws InterruptedException, IOException {
    log("  next phase");
    Cpu before = Cpu.now(servicePid, benchPids);
    long start = System.nanoTime();
    long startMillis = System.currentTimeMillis();
    GrpcLoad.Result result = phase.run();
    double seconds = (System.nanoTime() - start) / 1e9;
    writeTimeline(result, startMillis);
    Cpu after = Cpu.now(servicePid, benchPids);
    int cpus = Runtime.getRuntime().availableProcessors();
    double busyCores =
        (double) (after.busyJiffies() - before.busyJiffies())
            / (after.totalJiffies() - before.totalJiffies())
            * cpus;
    double oursCores = (after.ours() - before.ours()) / seconds;
    Row row =
        new Row(
            result,
            after.service() - before.service(),
            busyCores,
            Math.max(0, busyCores - oursCores));
    log(
        "  "
            + result
            + String.format(
                ", service CPU %.0f µs/call; machine busy %.2f of %d cores, %.2f of them other"
                    + " processes",
                row.serviceCpuMicrosPerCall(), busyCores, cpus, row.otherCores()));
    return row;
  }

  private int phases;

  /**
   * The worst latency per slot of the phase, by the time the calls were due, as CSV lines (wall
   * clock in ms, worst latency in ms) in {@code target/grpc-bench/}: to lay beside the service's GC
   * log or flight recording when a tail needs explaining.
   */
  private void writeTimeline(GrpcLoad.Result result, long startMillis) throws IOException {
    StringBuilder csv = new StringBuilder("wall_clock_ms,worst_latency_ms\n");
    long[] worst = result.worstMicrosPerSlot();
    for (int i = 0; i < worst.length; i++) {
      csv.append(startMillis + i * GrpcLoad.Result.SLOT_MILLIS)
          .append(',')
          .append(String.format("%.2f", worst[i] / 1000.0))
          .append('\n');
    }
    String file =
        String.format(
            "timeline-%d-%s.csv",
            ++phases,
            (result.name() + " " + result.mode().split(",")[0]).replaceAll("[^A-Za-z0-9]+", "-"));
    Files.writeString(ROOT.resolve(file), csv);
  }

  /**
   * The chart's JVM options in a pod ({@link PodJvmOptions}) with both of the JIT's compilers, as
   * the gRPC release runs, then the benchmark's.
   */
  private static List<String> jvmOptions() {
    List<String> options = new ArrayList<>(PodJvmOptions.of());
    options.addAll(ThroughputBenchIT.BOTH_COMPILERS);
    if (JFR) {
      options.add(
          "-XX:StartFlightRecording=settings=profile,filename="
              + ROOT.resolve("service.jfr").toAbsolutePath());
    }
    String more = System.getProperty("bench.grpc.jvm-options", "").trim();
    if (!more.isEmpty()) {
      options.addAll(Arrays.asList(more.split("\\s+")));
    }
    return options;
  }

  private static Map<String, String> env(
      KafkaBroker kafka,
      MariaDbNode mariadb,
      RedisNode redis,
      ControllableAuthz authz,
      int grpcPort) {
    Map<String, String> env = ServiceProcess.endpoints(kafka, mariadb, DATABASE, redis, authz);
    env.put("GRPC_PORT", Integer.toString(grpcPort));
    env.put("SERVER_PORT", "0");
    // as the chart runs it: one JSON object a log line
    env.put("LOGGING_STRUCTURED_FORMAT_CONSOLE", "ecs");
    // as the gRPC release of docs/operations.md ("Consumers and gRPC reads apart") runs it
    env.put("CONSUMER_ENABLED", "false");
    return env;
  }

  private static void createTopics(KafkaBroker kafka) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.brokers()))) {
      admin
          .createTopics(
              Stream.of("user.auth", "user", "order", "user.auth.dlq")
                  .map(t -> new NewTopic(t, 1, (short) 1))
                  .toList())
          .all()
          .get(60, TimeUnit.SECONDS);
    }
  }

  /**
   * Users 1..n into the schema the service migrated at start: each bound to a {@code wechat}
   * account {@code bench-<id>}, every other one to an {@code apple} account too (MariaDB's sequence
   * tables make the rows).
   */
  private static void insertUsers(JdbcClient jdbc, int n) {
    jdbc.sql(
            "INSERT INTO `user` (id, nickname, avatar_url, status) SELECT seq,"
                + " CONCAT('bench user ', seq), CONCAT('avatars/', seq, '.png'), 1 FROM seq_1_to_"
                + n)
        .update();
    jdbc.sql(
            "INSERT INTO user_third_auth (user_id, platform, open_id, union_id) SELECT seq,"
                + " 'wechat', CONCAT('bench-', seq), CONCAT('union-', seq) FROM seq_1_to_"
                + n)
        .update();
    jdbc.sql(
            "INSERT INTO user_third_auth (user_id, platform, open_id) SELECT seq, 'apple',"
                + " CONCAT('bench-apple-', seq) FROM seq_1_to_"
                + n
                + " WHERE seq % 2 = 0")
        .update();
  }

  private static String report(String machine, List<String> jvmOptions, List<Row> rows) {
    StringBuilder out = new StringBuilder();
    out.append("gRPC reads, ")
        .append(OffsetDateTime.now().truncatedTo(ChronoUnit.MINUTES))
        .append('\n')
        .append(machine)
        .append("service JVM: ")
        .append(String.join(" ", jvmOptions))
        .append('\n')
        .append(
            String.format(
                "%d users; client: %d channels, closed loop with %d calls in flight%n%n",
                USERS, CHANNELS, CONCURRENCY));
    out.append(
        "| read | load | calls | calls/s | p50 ms | p99 ms | p99.9 ms | max ms | errors |"
            + " service CPU µs/call | machine busy, cores | of them other processes |\n");
    out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Row row : rows) {
      GrpcLoad.Result r = row.result();
      out.append(
          String.format(
              "| %s | %s | %d | %.0f | %.2f | %.2f | %.2f | %.1f | %s | %.0f | %.2f | %.2f |%n",
              r.name(),
              r.mode(),
              r.calls(),
              r.callsPerSecond(),
              r.p50Millis(),
              r.p99Millis(),
              r.p999Millis(),
              r.maxMillis(),
              r.errors() == 0 ? "0" : r.errorsByStatus().toString(),
              row.serviceCpuMicrosPerCall(),
              row.busyCores(),
              row.otherCores()));
    }
    out.append(
        "\nmachine busy: the busy time of all CPUs during the phase, in cores; other processes:"
            + " that less the CPU of the service, the client (this JVM), Redis and MariaDB, i.e."
            + " other jobs on the machine and the idle Kafka broker\n");
    GrpcLoad.Result cachedMax = rows.get(2).result();
    GrpcLoad.Result cachedHalf = rows.get(3).result();
    boolean met = cachedMax.callsPerSecond() >= 5_000 && cachedHalf.p99Millis() <= 10;
    out.append(
        String.format(
            "%ntarget (cached GetUser at least 5,000 calls/s, p99 at most 10 ms at half that"
                + " rate): %s%n",
            met ? "met" : "NOT met"));
    return out.toString();
  }

  /** CPUs, their model, memory, the load before the run, the JVM. */
  private static String machine() throws IOException {
    String model =
        Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
            .filter(l -> l.startsWith("model name"))
            .map(l -> l.substring(l.indexOf(':') + 1).trim())
            .findFirst()
            .orElse("unknown CPU");
    long memKb =
        Files.readAllLines(Path.of("/proc/meminfo")).stream()
            .filter(l -> l.startsWith("MemTotal:"))
            .map(l -> Long.parseLong(l.replaceAll("\\D", "")))
            .findFirst()
            .orElse(0L);
    String load = Files.readString(Path.of("/proc/loadavg")).trim();
    return String.format(
        "machine: %d CPUs (%s), %.0f GiB; load average before the run %s; the service on Java"
            + " %s%n",
        Runtime.getRuntime().availableProcessors(),
        model,
        memKb / 1024.0 / 1024.0,
        load.substring(0, nthIndexOf(load, ' ', 3)),
        Procs.serviceJdkVersion());
  }

  private static int nthIndexOf(String s, char c, int n) {
    int at = -1;
    for (int i = 0; i < n; i++) {
      at = s.indexOf(c, at + 1);
      if (at < 0) {
        return s.length();
      }
    }
    return at;
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Collections.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static void log(String line) {
    System.out.println(LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + " " + line);
  }
}
