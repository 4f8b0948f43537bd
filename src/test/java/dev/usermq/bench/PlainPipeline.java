package dev.usermq.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.protobuf.InvalidProtocolBufferException;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.usermq.config.AuthMsgProperties;
import dev.usermq.mq.AuthMsgValidator;
import dev.usermq.mq.InvalidAuthMsgException;
import dev.usermq.proto.common.mq.v1.AuthMsg;
import dev.usermq.proto.common.mq.v1.AuthMsgKind;
import dev.usermq.proto.common.mq.v1.UserCountReq;
import dev.usermq.proto.shared.authz.v1.AuthzServiceGrpc;
import dev.usermq.proto.shared.authz.v1.AuthzServiceGrpc.AuthzServiceBlockingStub;
import dev.usermq.proto.shared.authz.v1.GrantRoleRequest;
import dev.usermq.proto.shared.authz.v1.RevokeRolesRequest;
import dev.usermq.repository.migration.IdentifierCollation;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hand-written baseline of the throughput benchmark: what the service does with a REGISTER,
 * with the same guarantees, in plain Java (no Camel, no Spring context), to compare the service
 * with.
 *
 * <p>N threads, each with its own {@link KafkaConsumer} in one group, without auto-commit. Per
 * record, as the auth route and {@code AuthMsgLogic} do: the size limit, parse and validate (bad
 * input to the DLQ with its original bytes and the {@code dlq-*} headers); {@code GET} of the Redis
 * key {@code <prefix>:msg:processed:<message_id>} (present: a duplicate, nothing else); the ledger
 * row by message id (present: a duplicate whose undelivered side effects are delivered); else one
 * transaction with the same statements as the service (claim the ledger row, the binding looked up,
 * user, binding, authz command, outbox event, ledger outcome). After the commit, the event is sent
 * and its ack awaited (acks=all, idempotent producer), the outbox row marked sent; the user's
 * pending authz commands are delivered oldest first, each under its row lock in a READ COMMITTED
 * transaction, with GrantRole on a blocking stub with a deadline, and marked done; then {@code SET
 * key NX EX ttl}. The offsets of a poll are committed synchronously once all its records are done.
 * Any failure closes the consumer and resumes, after a backoff, from the committed offsets, so no
 * record is skipped.
 *
 * <p>It applies REGISTER only (the benchmark's workload): another kind stops the process. It
 * migrates the schema at start with the service's Flyway migrations, as the service does. It reads
 * the service's environment variables: {@code KAFKA_BROKERS}, {@code SPRING_DATASOURCE_URL}, {@code
 * _USERNAME}, {@code _PASSWORD}, {@code SPRING_DATA_REDIS_HOST}, {@code _PORT}, {@code
 * AUTHZ_TARGET}, {@code TOPICS_AUTH}, {@code TOPICS_USER}, {@code TOPICS_DLQ}, {@code
 * CONSUMER_GROUP_ID}, {@code CONSUMER_CONCURRENCY}, {@code CONSUMER_MAX_POLL_RECORDS}, with the
 * service's defaults for its timeouts and the idempotency TTL.
 */
public final class PlainPipeline {

  private static final Logger log = LoggerFactory.getLogger(PlainPipeline.class);

  private static final String MEMBER_ROLE = "member";
  private static final String COUNT_EVENT = "user.count";
  private static final String GRANT_ROLE = "GRANT_ROLE";
  private static final String REVOKE_ROLES = "REVOKE_ROLES";
  private static final long TTL_SECONDS = Duration.ofHours(24).toSeconds();
  private static final Duration AUTHZ_DEADLINE = Duration.ofSeconds(2);
  private static final int MAX_BYTES = 16_384;

  private final Map<String, String> env;
  private final String authTopic;
  private final String userTopic;
  private final String dlqTopic;
  private final String keySpace;
  private final int threads;
  private final AuthMsgValidator validator = new AuthMsgValidator(new AuthMsgProperties(MAX_BYTES));
  private final HikariDataSource db;
  private final RedisClient redisClient;
  private final StatefulRedisConnection<String, String> redisConnection;
  private final RedisCommands<String, String> redis;
  private final ManagedChannel authzChannel;
  private final AuthzServiceBlockingStub authz;
  private final KafkaProducer<byte[], byte[]> producer;
  private final List<KafkaConsumer<byte[], byte[]>> consumers = new CopyOnWriteArrayList<>();
  private final List<Thread> workers = new ArrayList<>();
  private volatile boolean running = true;

  private final AtomicLong applied = new AtomicLong();
  private final AtomicLong noop = new AtomicLong();
  private final AtomicLong duplicateRedis = new AtomicLong();
  private final AtomicLong duplicateLedger = new AtomicLong();
  private final AtomicLong deadLettered = new AtomicLong();

  /** An outbox row to publish. */
  private record Event(
      long id,
      String eventId,
      String eventType,
      String topic,
      String key,
      byte[] payload,
      String sourceMessageId) {}

  /** What the record left to deliver after the commit. */
  private record SideEffects(List<Event> events, List<Long> authzUsers) {
    static final SideEffects NONE = new SideEffects(List.of(), List.of());
  }

  private PlainPipeline(Map<String, String> env) {
    this.env = env;
    this.authTopic = env.getOrDefault("TOPICS_AUTH", "user.auth");
    this.userTopic = env.getOrDefault("TOPICS_USER", "user");
    this.dlqTopic = env.getOrDefault("TOPICS_DLQ", "user.auth.dlq");
    this.keySpace = env.getOrDefault("IDEMPOTENCY_PREFIX", "user") + ":msg:processed:";
    this.threads = Integer.parseInt(env.getOrDefault("CONSUMER_CONCURRENCY", "1"));

    migrate();
    this.db = dataSource();

    RedisURI uri =
        RedisURI.builder()
            .withHost(required("SPRING_DATA_REDIS_HOST"))
            .withPort(Integer.parseInt(env.getOrDefault("SPRING_DATA_REDIS_PORT", "6379")))
            .withTimeout(Duration.ofSeconds(2))
            .build();
    this.redisClient = RedisClient.create(uri);
    // one connection for every thread, as Spring Data Redis shares its Lettuce connection
    this.redisConnection = redisClient.connect();
    this.redis = redisConnection.sync();

    this.authzChannel =
        Grpc.newChannelBuilder(required("AUTHZ_TARGET"), InsecureChannelCredentials.create())
            .build();
    this.authz = AuthzServiceGrpc.newBlockingStub(authzChannel);

    this.producer = producer();
  }

  public static void main(String[] args) throws Exception {
    PlainPipeline pipeline = new PlainPipeline(System.getenv());
    Runtime.getRuntime().addShutdownHook(new Thread(pipeline::stop, "plain-pipeline-stop"));
    pipeline.start();
  }

  private void start() {
    for (int i = 0; i < threads; i++) {
      Thread worker = new Thread(this::consume, "plain-consumer-" + i);
      workers.add(worker);
      worker.start();
    }
    log.info("plain pipeline started: {} consumer threads on {}", threads, authTopic);
    Thread stats = new Thread(this::logCounts, "plain-stats");
    stats.setDaemon(true);
    stats.start();
  }

  /** SIGTERM: every thread finishes its poll's records, commits, and leaves the group. */
  private void stop() {
    running = false;
    consumers.forEach(KafkaConsumer::wakeup);
    for (Thread worker : workers) {
      try {
        worker.join(TimeUnit.SECONDS.toMillis(20));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    producer.close(Duration.ofSeconds(5));
    authzChannel.shutdownNow();
    redisConnection.close();
    redisClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    db.close();
    log.info(counts());
  }

  /** One consumer thread: poll, process every record, commit; on a failure, resume from commits. */
  private void consume() {
    long backoff = 200;
    while (running) {
      KafkaConsumer<byte[], byte[]> consumer = consumer();
      consumers.add(consumer);
      try {
        consumer.subscribe(List.of(authTopic));
        while (running) {
          ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofSeconds(1));
          for (ConsumerRecord<byte[], byte[]> record : records) {
            process(record);
          }
          if (!records.isEmpty()) {
            consumer.commitSync();
          }
          backoff = 200;
        }
      } catch (WakeupException stopping) {
        // stop() asked this thread to leave its poll
      } catch (UnsupportedKind e) {
        log.error("stopping: {}", e.getMessage());
        Runtime.getRuntime().halt(3);
      } catch (Exception e) {
        log.warn("resuming from the committed offsets in {} ms: {}", backoff, e.toString());
        sleep(backoff);
        backoff = Math.min(backoff * 2, 5_000);
      } finally {
        consumers.remove(consumer);
        consumer.close(Duration.ofSeconds(5));
      }
    }
  }

  private void process(ConsumerRecord<byte[], byte[]> record) throws Exception {
    AuthMsg msg;
    try {
      msg = parse(record.value());
    } catch (InvalidAuthMsgException e) {
      deadLetter(record, e.reason(), e);
      return;
    }
    String key = keySpace + msg.getMessageId();
    if (redis.get(key) != null) {
      duplicateRedis.incrementAndGet();
      return;
    }
    SideEffects effects;
    try (Connection c = db.getConnection()) {
      effects = apply(c, msg);
      publish(c, effects.events());
      for (long userId : effects.authzUsers()) {
        deliverAuthzCommandsOf(c, userId);
      }
    }
    redis.set(key, msg.getMessageId(), SetArgs.Builder.nx().ex(TTL_SECONDS));
  }

  private AuthMsg parse(byte[] value) {
    validator.checkSize(value);
    AuthMsg msg;
    try {
      msg = AuthMsg.parseFrom(value);
    } catch (InvalidProtocolBufferException e) {
      throw new InvalidAuthMsgException(InvalidAuthMsgException.PARSE_ERROR, e.getMessage());
    }
    validator.validate(msg);
    if (msg.getKind() != AuthMsgKind.AUTH_MSG_KIND_REGISTER) {
      throw new UnsupportedKind(msg);
    }
    return msg;
  }

  /** The ledger first (a duplicate delivers what it left undelivered), else the transaction. */
  private SideEffects apply(Connection c, AuthMsg msg) throws SQLException {
    String messageId = msg.getMessageId();
    if (ledgerHas(c, messageId)) {
      duplicateLedger.incrementAndGet();
      return pendingOf(c, messageId);
    }
    c.setAutoCommit(false);
    try {
      SideEffects effects = register(c, msg);
      c.commit();
      return effects;
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  private SideEffects register(Connection c, AuthMsg msg) throws SQLException {
    String messageId = msg.getMessageId();
    update(
        c,
        "INSERT INTO auth_msg (message_id, kind, user_id) VALUES (?, ?, ?)",
        messageId,
        "REGISTER",
        0L);
    Long bound =
        queryLong(
            c,
            "SELECT user_id FROM user_third_auth WHERE platform = ? AND open_id = ?",
            msg.getPlatform(),
            msg.getOpenId());
    if (bound != null) {
      markProcessed(c, messageId, "NOOP", bound);
      noop.incrementAndGet();
      return SideEffects.NONE;
    }
    long userId =
        insert(
            c,
            "INSERT INTO `user` (nickname, avatar_url, status, cache_version) VALUES (?, ?, 1, 0)",
            msg.getNickname(),
            msg.getAvatarUrl());
    insert(
        c,
        "INSERT INTO user_third_auth (user_id, platform, open_id, union_id) VALUES (?, ?, ?, ?)",
        userId,
        msg.getPlatform(),
        msg.getOpenId(),
        msg.getUnionId());
    insert(
        c,
        "INSERT INTO authz_command (command_id, command, user_id, role, source_message_id)"
            + " VALUES (?, ?, ?, ?, ?)",
        messageId + ":" + GRANT_ROLE,
        GRANT_ROLE,
        userId,
        MEMBER_ROLE,
        messageId);
    byte[] payload = UserCountReq.newBuilder().setUserId(userId).build().toByteArray();
    String eventId = messageId + ":" + COUNT_EVENT;
    String recordKey = Long.toString(userId);
    long eventRow =
        insert(
            c,
            "INSERT INTO outbox (event_id, event_type, topic, record_key, payload, source_message_id)"
                + " VALUES (?, ?, ?, ?, ?, ?)",
            eventId,
            COUNT_EVENT,
            userTopic,
            recordKey,
            payload,
            messageId);
    markProcessed(c, messageId, "APPLIED", userId);
    applied.incrementAndGet();
    return new SideEffects(
        List.of(
            new Event(eventRow, eventId, COUNT_EVENT, userTopic, recordKey, payload, messageId)),
        List.of(userId));
  }

  private void markProcessed(Connection c, String messageId, String outcome, long userId)
      throws SQLException {
    update(
        c,
        "UPDATE auth_msg SET outcome = ?, user_id = ?, processed = 1,"
            + " process_time = CURRENT_TIMESTAMP(3) WHERE message_id = ?",
        outcome,
        userId,
        messageId);
  }

  private boolean ledgerHas(Connection c, String messageId) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("SELECT id, user_id, outcome FROM auth_msg WHERE message_id = ?")) {
      s.setString(1, messageId);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** The events and authz commands a committed message has not delivered yet. */
  private SideEffects pendingOf(Connection c, String messageId) throws SQLException {
    List<Event> events = new ArrayList<>();
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT id, event_id, event_type, topic, record_key, payload FROM outbox"
                + " WHERE source_message_id = ? AND sent_at IS NULL ORDER BY id")) {
      s.setString(1, messageId);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          events.add(
              new Event(
                  rs.getLong(1),
                  rs.getString(2),
                  rs.getString(3),
                  rs.getString(4),
                  rs.getString(5),
                  rs.getBytes(6),
                  messageId));
        }
      }
    }
    List<Long> users = new ArrayList<>();
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT user_id FROM authz_command WHERE source_message_id = ? AND done_at IS NULL"
                + " ORDER BY id")) {
      s.setString(1, messageId);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          users.add(rs.getLong(1));
        }
      }
    }
    return new SideEffects(events, users);
  }

  /** Each event sent and acknowledged, then marked sent. */
  private void publish(Connection c, List<Event> events) throws Exception {
    for (Event e : events) {
      ProducerRecord<byte[], byte[]> record =
          new ProducerRecord<>(e.topic(), e.key().getBytes(UTF_8), e.payload());
      record.headers().add("event-id", e.eventId().getBytes(UTF_8));
      record.headers().add("event-type", e.eventType().getBytes(UTF_8));
      record.headers().add("source-message-id", e.sourceMessageId().getBytes(UTF_8));
      producer.send(record).get(30, TimeUnit.SECONDS);
      update(
          c,
          "UPDATE outbox SET sent_at = CURRENT_TIMESTAMP(3) WHERE id IN (?) AND sent_at IS NULL",
          e.id());
    }
  }

  /**
   * The user's pending authz commands, oldest first, each under its row lock so that no other
   * deliverer of the same user's commands overtakes it; READ COMMITTED takes no gap locks, so
   * transactions inserting commands of other users do not wait.
   */
  private void deliverAuthzCommandsOf(Connection c, long userId) throws SQLException {
    while (true) {
      c.setAutoCommit(false);
      c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
      try {
        boolean delivered = deliverOldest(c, userId);
        c.commit();
        if (!delivered) {
          return;
        }
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        c.setAutoCommit(true);
      }
    }
  }

  private boolean deliverOldest(Connection c, long userId) throws SQLException {
    long id;
    String command;
    String role;
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT id, command, role FROM authz_command WHERE user_id = ? AND done_at IS NULL"
                + " ORDER BY id LIMIT 1 FOR UPDATE")) {
      s.setLong(1, userId);
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          return false;
        }
        id = rs.getLong(1);
        command = rs.getString(2);
        role = rs.getString(3);
      }
    }
    AuthzServiceBlockingStub stub =
        authz.withDeadlineAfter(AUTHZ_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    switch (command) {
      case GRANT_ROLE ->
          stub.grantRole(GrantRoleRequest.newBuilder().setUserId(userId).setRole(role).build());
      case REVOKE_ROLES ->
          stub.revokeRoles(RevokeRolesRequest.newBuilder().setUserId(userId).build());
      default -> throw new IllegalStateException("authz command " + id + ": " + command);
    }
    update(c, "UPDATE authz_command SET done_at = CURRENT_TIMESTAMP(3) WHERE id = ?", id);
    return true;
  }

  /** Bad input: the original key, value and headers, plus why, to the DLQ; then the next record. */
  private void deadLetter(ConsumerRecord<byte[], byte[]> record, String reason, Exception why)
      throws Exception {
    ProducerRecord<byte[], byte[]> dead =
        new ProducerRecord<>(dlqTopic, null, record.key(), record.value());
    for (Header h : record.headers()) {
      dead.headers().add(h);
    }
    dead.headers().add("dlq-reason", reason.getBytes(UTF_8));
    dead.headers()
        .add("dlq-error", (why.getClass().getName() + ": " + why.getMessage()).getBytes(UTF_8));
    dead.headers().add("dlq-source-topic", record.topic().getBytes(UTF_8));
    dead.headers()
        .add("dlq-source-partition", Integer.toString(record.partition()).getBytes(UTF_8));
    dead.headers().add("dlq-source-offset", Long.toString(record.offset()).getBytes(UTF_8));
    dead.headers().add("dlq-failed-at", Instant.now().toString().getBytes(UTF_8));
    producer.send(dead).get(30, TimeUnit.SECONDS);
    deadLettered.incrementAndGet();
  }

  private void migrate() {
    FluentConfiguration flyway =
        Flyway.configure()
            .dataSource(
                required("SPRING_DATASOURCE_URL"),
                env.getOrDefault("SPRING_DATASOURCE_USERNAME", ""),
                env.getOrDefault("SPRING_DATASOURCE_PASSWORD", ""))
            .locations("classpath:db/migration");
    IdentifierCollation.apply(flyway).load().migrate();
  }

  /** The service's pool settings (application.yaml). */
  private HikariDataSource dataSource() {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(required("SPRING_DATASOURCE_URL"));
    config.setUsername(env.getOrDefault("SPRING_DATASOURCE_USERNAME", ""));
    config.setPassword(env.getOrDefault("SPRING_DATASOURCE_PASSWORD", ""));
    config.setMaximumPoolSize(threads);
    config.setConnectionTimeout(5_000);
    config.setValidationTimeout(3_000);
    Properties driver = new Properties();
    driver.setProperty("connectTimeout", "5000");
    driver.setProperty("socketTimeout", "10000");
    config.setDataSourceProperties(driver);
    config.setPoolName("plain");
    return new HikariDataSource(config);
  }

  /** The service's producer settings (application.yaml: camel.component.kafka). */
  private KafkaProducer<byte[], byte[]> producer() {
    Properties config = new Properties();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, required("KAFKA_BROKERS"));
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
    return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private KafkaConsumer<byte[], byte[]> consumer() {
    Properties config = new Properties();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, required("KAFKA_BROKERS"));
    config.put(ConsumerConfig.GROUP_ID_CONFIG, env.getOrDefault("CONSUMER_GROUP_ID", "user-mq"));
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(
        ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
        Integer.parseInt(env.getOrDefault("CONSUMER_MAX_POLL_RECORDS", "100")));
    return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  private void logCounts() {
    String last = "";
    while (running) {
      sleep(1_000);
      String now = counts();
      if (!now.equals(last)) {
        log.info(now);
        last = now;
      }
    }
  }

  /** The service's running counts line, so the same log tools read both. */
  private String counts() {
    return "auth messages: applied="
        + applied.get()
        + " noop="
        + noop.get()
        + " rejected=0 duplicate(redis)="
        + duplicateRedis.get()
        + " duplicate(ledger)="
        + duplicateLedger.get()
        + " dead-lettered="
        + deadLettered.get();
  }

  private String required(String name) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " is not set");
    }
    return value;
  }

  private static void update(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      bind(s, params);
      s.executeUpdate();
    }
  }

  private static long insert(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
      bind(s, params);
      s.executeUpdate();
      try (ResultSet keys = s.getGeneratedKeys()) {
        keys.next();
        return keys.getLong(1);
      }
    }
  }

  private static Long queryLong(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      bind(s, params);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getLong(1) : null;
      }
    }
  }

  private static void bind(PreparedStatement s, Object... params) throws SQLException {
    for (int i = 0; i < params.length; i++) {
      s.setObject(i + 1, params[i]);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A valid message of a kind the baseline does not implement. */
  private static final class UnsupportedKind extends RuntimeException {
    UnsupportedKind(AuthMsg msg) {
      super(
          "the baseline applies REGISTER only, "
              + msg.getMessageId()
              + " is "
              + msg.getKind()
              + " (the benchmark's workload is REGISTER)");
    }
  }
}
