package dev.usermq.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.usermq.embedded.AuthzStubService;
import dev.usermq.mq.ConsumptionGuard;
import dev.usermq.proto.common.mq.v1.AuthMsg;
import dev.usermq.proto.common.mq.v1.CancelUserOrdersReq;
import dev.usermq.proto.common.mq.v1.UserCountReq;
import dev.usermq.support.Db;
import dev.usermq.support.EmbeddedServersIT;
import dev.usermq.support.KafkaTopics;
import dev.usermq.support.Msgs;
import dev.usermq.support.RedisCommands;
import dev.usermq.tools.DlqRedrive;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The whole service against real servers on random ports: a KRaft Kafka broker in the JVM, a Redis
 * process, a MariaDB process and the authz gRPC stub. Records go in through Kafka and are checked
 * in MySQL and on the output topics, decoded through the generated protobuf classes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthMsgFlowIT extends EmbeddedServersIT {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String CONSUMER = "auth-msg-consumer";

  @Autowired JdbcClient jdbc;
  @Autowired StringRedisTemplate redis;
  @Autowired MeterRegistry meters;
  @Autowired AuthzStubService authzStub;
  @Autowired Server embeddedAuthz;
  @Autowired ConsumptionGuard guard;
  @Autowired CamelContext camel;

  @Value("${kafka.brokers}")
  String brokers;

  @Value("${spring.datasource.url}")
  String databaseUrl;

  private KafkaTopics kafka;
  private Db db;
  private Server restartedAuthz;

  @BeforeAll
  void connect() {
    kafka = new KafkaTopics(brokers, "user", "order", "user.auth.dlq", "user.auth");
    db = new Db(jdbc);
  }

  @AfterAll
  void disconnect() {
    kafka.close();
    // restartedAuthz stays up: it is the authz of the shared context now, which the test classes
    // after this one need (REGISTER's grant); it ends with the test JVM
  }

  @Test
  void registerBindUnbindDeactivateScriptLeavesTheRowsAndEventsOfTheContract() throws Exception {
    String openId = Msgs.openId();
    AuthMsg register = Msgs.register("wechat", openId);
    produce(register);
    long userId = awaitOutcome(register, "APPLIED").userOf("wechat", openId).orElseThrow();
    // granted behind the record
    await().atMost(WAIT).until(() -> authzStub.rolesOf(userId).contains("member"));
    assertThat(authzStub.rolesOf(userId)).containsExactly("member");

    String appleId = Msgs.openId();
    AuthMsg bind = Msgs.bind(userId, "apple", appleId);
    produce(bind);
    awaitOutcome(bind, "APPLIED");
    assertThat(db.userOf("apple", appleId)).contains(userId);

    AuthMsg unbind = Msgs.unbind(userId, "apple", appleId);
    produce(unbind);
    awaitOutcome(unbind, "APPLIED");
    assertThat(db.userOf("apple", appleId)).isEmpty();

    AuthMsg deactivate = Msgs.deactivate(userId);
    produce(deactivate);
    awaitOutcome(deactivate, "APPLIED");
    assertThat(db.userStatus(userId)).isEqualTo(2);
    assertThat(db.bindingsOf(userId)).isEqualTo(1);
    // revoked right after the commit
    await().atMost(WAIT).until(() -> authzStub.rolesOf(userId).isEmpty());
    assertThat(
            jdbc.sql(
                    "SELECT kind, user_id, outcome, processed FROM auth_msg WHERE message_id IN (?, ?, ?, ?) ORDER BY id")
                .params(
                    register.getMessageId(),
                    bind.getMessageId(),
                    unbind.getMessageId(),
                    deactivate.getMessageId())
                .query(
                    (rs, n) ->
                        rs.getString(1)
                            + "/"
                            + rs.getLong(2)
                            + "/"
                            + rs.getString(3)
                            + "/"
                            + rs.getInt(4))
                .list())
        .containsExactly(
            "REGISTER/" + userId + "/APPLIED/1",
            "BIND/" + userId + "/APPLIED/1",
            "UNBIND/" + userId + "/APPLIED/1",
            "DEACTIVATE/" + userId + "/APPLIED/1");

    List<ConsumerRecord<byte[], byte[]>> counts =
        kafka.await(on("user").and(from(register, deactivate)), 2, WAIT);
    assertThat(counts).hasSize(2);
    for (ConsumerRecord<byte[], byte[]> r : counts) {
      assertThat(new String(r.key(), UTF_8)).isEqualTo(Long.toString(userId));
      assertThat(UserCountReq.parseFrom(r.value()).getUserId()).isEqualTo(userId);
      assertThat(header(r, "event-type")).isEqualTo("user.count");
      assertThat(header(r, "event-id")).isEqualTo(header(r, "source-message-id") + ":user.count");
      assertThat(r.headers().lastHeader("x-trace")).isNull();
    }
    assertThat(counts)
        .extracting(r -> header(r, "source-message-id"))
        .containsExactlyInAnyOrder(register.getMessageId(), deactivate.getMessageId());

    ConsumerRecord<byte[], byte[]> cancel =
        kafka.await(on("order").and(from(deactivate)), 1, WAIT).get(0);
    CancelUserOrdersReq req = CancelUserOrdersReq.parseFrom(cancel.value());
    assertThat(req.getUserId()).isEqualTo(userId);
    assertThat(req.getReason()).isEqualTo("user_deactivated");
    assertThat(new String(cancel.key(), UTF_8)).isEqualTo(Long.toString(userId));
    assertThat(header(cancel, "event-id"))
        .isEqualTo(deactivate.getMessageId() + ":order.cancel_by_user");
    assertThat(header(cancel, "event-type")).isEqualTo("order.cancel_by_user");
    assertThat(kafka.matching(from(bind, unbind))).isEmpty();
  }

  @Test
  void messageIdsThatDifferOnlyInCaseAreTwoMessages() {
    String stem = "m-" + java.util.UUID.randomUUID();
    AuthMsg first =
        Msgs.register("wechat", Msgs.openId()).toBuilder().setMessageId(stem + "-aB").build();
    AuthMsg second =
        Msgs.register("wechat", Msgs.openId()).toBuilder().setMessageId(stem + "-Ab").build();
    produce(first);
    await().atMost(WAIT).until(() -> db.userOf("wechat", first.getOpenId()).isPresent());
    produce(second);

    await().atMost(WAIT).until(() -> db.userOf("wechat", second.getOpenId()).isPresent());
    assertThat(ledgerMessageIdsStartingWith(stem))
        .containsExactlyInAnyOrder(first.getMessageId(), second.getMessageId());
    assertThat(db.userOf("wechat", first.getOpenId()))
        .isNotEqualTo(db.userOf("wechat", second.getOpenId()));
  }

  @Test
  void openIdsThatDifferOnlyInCaseAreTwoAccounts() {
    String stem = "o-" + java.util.UUID.randomUUID();
    AuthMsg lower = Msgs.register("apple", stem + "-abc");
    AuthMsg mixed = Msgs.register("apple", stem + "-aBC");
    produce(lower);
    long lowerUser =
        await()
            .atMost(WAIT)
            .until(() -> db.userOf("apple", lower.getOpenId()), java.util.Optional::isPresent)
            .get();
    produce(mixed);

    await().atMost(WAIT).until(() -> db.outcome(mixed.getMessageId()).isPresent());
    assertThat(db.outcome(mixed.getMessageId())).contains("APPLIED");
    assertThat(
            jdbc.sql(
                    "SELECT open_id, user_id FROM user_third_auth WHERE platform = 'apple' AND open_id LIKE ?")
                .param(stem + "%")
                .query((rs, n) -> rs.getString(1) + "=" + rs.getLong(2))
                .list())
        .hasSize(2)
        .contains(lower.getOpenId() + "=" + lowerUser)
        .noneMatch(row -> row.equals(mixed.getOpenId() + "=" + lowerUser));
  }

  @Test
  void duplicateInsideTheTtlIsSkippedByRedisWithoutAStatementOnMysql() {
    AuthMsg register = Msgs.register("wechat", Msgs.openId());
    produce(register);
    awaitOutcome(register, "APPLIED");
    await().atMost(WAIT).until(() -> redis.hasKey("user:msg:processed:" + register.getMessageId()));
    // the event and the role grant are delivered behind the record, and marked so on MySQL later
    await().atMost(WAIT).until(() -> db.undeliveredSideEffects(register.getMessageId()) == 0);
    double skipped = counter("duplicate_redis");
    long statements = statementsOnMysql();
    long gets = RedisCommands.calls(redis, "get");
    long mgets = RedisCommands.calls(redis, "mget");

    produce(register);

    await().atMost(WAIT).until(() -> counter("duplicate_redis") > skipped);
    // found by the MGET of the poll it came in (ProcessedIdsPrefetch), not asked for again
    assertThat(RedisCommands.calls(redis, "mget") - mgets).isEqualTo(1);
    assertThat(RedisCommands.calls(redis, "get") - gets).isZero();
    // the one statement between the two readings is the second reading itself
    assertThat(statementsOnMysql() - statements)
        .as("statements run on MySQL while the duplicate was processed")
        .isEqualTo(1);
    assertThat(db.ledgerRows(register.getMessageId())).isEqualTo(1);
  }

  @Test
  void afterRedisLostItsKeysARedeliveredMessageIsStoppedByTheLedger() {
    String openId = Msgs.openId();
    AuthMsg register = Msgs.register("apple", openId);
    produce(register);
    awaitOutcome(register, "APPLIED");
    kafka.await(on("user").and(from(register)), 1, WAIT);
    await().atMost(WAIT).until(() -> redis.hasKey("user:msg:processed:" + register.getMessageId()));
    double ledgerDuplicates = counter("duplicate_ledger");

    redis.execute(
        connection -> {
          connection.serverCommands().flushAll();
          return null;
        },
        true);
    produce(register);

    await().atMost(WAIT).until(() -> counter("duplicate_ledger") > ledgerDuplicates);
    assertThat(db.ledgerRows(register.getMessageId())).isEqualTo(1);
    assertThat(
            jdbc.sql("SELECT COUNT(*) FROM user_third_auth WHERE open_id = ?")
                .param(openId)
                .query(Integer.class)
                .single())
        .isEqualTo(1);
    assertThat(kafka.matching(on("user").and(from(register)))).hasSize(1);
  }

  @Test
  void poisonRecordLandsInTheDlqWithItsBytesAndHeadersWhileLaterRecordsAreProcessed()
      throws Exception {
    byte[] poison = ("poison " + Msgs.id()).getBytes(UTF_8);
    byte[] key = "poison-key".getBytes(UTF_8);
    ProducerRecord<byte[], byte[]> bad = new ProducerRecord<>("user.auth", 0, key, poison);
    bad.headers().add("x-trace", "t-1".getBytes(UTF_8));
    kafka.send(bad);
    AuthMsg after = Msgs.register("wechat", Msgs.openId());
    kafka.send(new ProducerRecord<>("user.auth", 0, null, after.toByteArray()));

    awaitOutcome(after, "APPLIED");
    ConsumerRecord<byte[], byte[]> dead =
        kafka.await(on("user.auth.dlq").and(r -> Arrays.equals(r.value(), poison)), 1, WAIT).get(0);
    assertThat(dead.key()).isEqualTo(key);
    assertThat(header(dead, "x-trace")).isEqualTo("t-1");
    assertThat(header(dead, "dlq-reason")).isEqualTo("PARSE_ERROR");
    assertThat(header(dead, "dlq-error")).contains("InvalidProtocolBufferException");
    assertThat(header(dead, "dlq-source-topic")).isEqualTo("user.auth");
    assertThat(header(dead, "dlq-source-partition")).isEqualTo("0");
    assertThat(Long.parseLong(header(dead, "dlq-source-offset"))).isNotNegative();
    assertThat(header(dead, "dlq-failed-at")).endsWith("Z");
  }

  @Test
  void aBadRecordAfterAGoodOneLogsWithoutTheGoodOnesMessageId() throws Exception {
    Logger deadLetterLog = (Logger) LoggerFactory.getLogger("dead-letter");
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    deadLetterLog.addAppender(lines);
    try {
      // one partition, so one consumer thread for both; the good one publishes an event
      AuthMsg good = Msgs.register("wechat", Msgs.openId());
      kafka.send(new ProducerRecord<>("user.auth", 1, null, good.toByteArray()));
      awaitOutcome(good, "APPLIED");
      byte[] bad = ("bad " + Msgs.id()).getBytes(UTF_8);
      kafka.send(new ProducerRecord<>("user.auth", 1, null, bad));
      kafka.await(on("user.auth.dlq").and(r -> Arrays.equals(r.value(), bad)), 1, WAIT);

      await().atMost(WAIT).until(() -> !lines.list.isEmpty());
      ILoggingEvent line = lines.list.get(lines.list.size() - 1);
      assertThat(line.getMDCPropertyMap())
          .containsEntry("camel.routeId", "dead-letter")
          .doesNotContainKey("messageId");
    } finally {
      deadLetterLog.detachAppender(lines);
    }
  }

  @Test
  void whileAuthzIsUnavailableGrantsWaitBehindTheRecordsAndABindPausesConsumption()
      throws Exception {
    AuthMsg member = Msgs.register("wechat", Msgs.openId());
    produce(member);
    long memberId = awaitOutcome(member, "APPLIED").userOf("wechat", member.getOpenId()).get();
    await().atMost(WAIT).until(() -> authzStub.rolesOf(memberId).contains("member"));
    int port = embeddedAuthz.getPort();
    embeddedAuthz.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);

    // a REGISTER does not wait for authz: it is applied, its grant committed and pending
    String openId = Msgs.openId();
    AuthMsg register = Msgs.register("wechat", openId);
    produce(register);
    awaitOutcome(register, "APPLIED");
    long pendingUser = db.userOf("wechat", openId).orElseThrow();
    assertThat(guard.isPaused(CONSUMER)).isFalse();
    assertThat(authzStub.rolesOf(pendingUser)).isEmpty();

    // a BIND asks authz before its transaction: consumption pauses instead of burning retries,
    // nothing is committed or dead-lettered
    String appleId = Msgs.openId();
    AuthMsg bind = Msgs.bind(memberId, "apple", appleId);
    produce(bind);
    await().atMost(WAIT).until(() -> guard.isPaused(CONSUMER));
    await()
        .atMost(WAIT)
        .until(() -> camel.getRouteController().getRouteStatus(CONSUMER) == ServiceStatus.Stopped);
    // and stays paused while authz is down
    await().during(Duration.ofSeconds(2)).atMost(WAIT).until(() -> guard.isPaused(CONSUMER));
    assertThat(db.ledgerRows(bind.getMessageId())).isZero();
    assertThat(db.pendingAuthzCommands(pendingUser)).containsExactly("GRANT_ROLE");

    restartedAuthz =
        Grpc.newServerBuilderForPort(port, InsecureServerCredentials.create())
            .addService(authzStub)
            .build()
            .start();
    await().atMost(WAIT).until(() -> authzStub.rolesOf(pendingUser).contains("member"));
    assertThat(authzStub.rolesOf(pendingUser)).containsExactly("member");
    awaitOutcome(bind, "APPLIED");
    assertThat(db.userOf("apple", appleId)).contains(memberId);
    assertThat(db.ledgerRows(register.getMessageId())).isEqualTo(1);
    await().atMost(WAIT).until(() -> !guard.isPaused(CONSUMER));
    assertThat(camel.getRouteController().getRouteStatus(CONSUMER))
        .isEqualTo(ServiceStatus.Started);
    for (AuthMsg msg : List.of(register, bind)) {
      assertThat(
              kafka.matching(
                  on("user.auth.dlq").and(r -> Arrays.equals(r.value(), msg.toByteArray()))))
          .isEmpty();
    }
  }

  @Test
  void redriveReplaysAChosenDeadLetterToItsSourceTopicAndNotAgainOnTheNextRun() {
    // a valid message that an unexpected failure had dead-lettered, and another dead letter
    AuthMsg lost = Msgs.register("wechat", Msgs.openId());
    ProducerRecord<byte[], byte[]> dead =
        new ProducerRecord<>("user.auth.dlq", "k-1".getBytes(UTF_8), lost.toByteArray());
    dead.headers()
        .add("x-trace", "t-2".getBytes(UTF_8))
        .add("dlq-reason", "RETRIES_EXHAUSTED".getBytes(UTF_8))
        .add("dlq-source-topic", "user.auth".getBytes(UTF_8));
    kafka.send(dead);
    AuthMsg other = Msgs.register("apple", Msgs.openId());
    kafka.send(new ProducerRecord<>("user.auth.dlq", null, other.toByteArray()));

    ByteArrayOutputStream report = new ByteArrayOutputStream();
    String[] args = {
      "--message-id=" + lost.getMessageId(),
      "--kafka.brokers=" + brokers,
      "--spring.datasource.url=" + databaseUrl,
      "--spring.datasource.username=root"
    };
    assertThat(DlqRedrive.run(args, new PrintStream(report, true, UTF_8))).isZero();
    assertThat(report.toString(UTF_8)).contains("redriven user.auth.dlq/").contains("1 redriven");

    awaitOutcome(lost, "APPLIED");
    assertThat(db.outcome(other.getMessageId())).isEmpty();
    ConsumerRecord<byte[], byte[]> replayed =
        kafka
            .await(on("user.auth").and(r -> Arrays.equals(r.value(), lost.toByteArray())), 1, WAIT)
            .get(0);
    assertThat(replayed.key()).isEqualTo("k-1".getBytes(UTF_8));
    assertThat(header(replayed, "x-trace")).isEqualTo("t-2");
    assertThat(header(replayed, "dlq-reason")).isNull();
    assertThat(header(replayed, "redriven-from")).startsWith("user.auth.dlq/");

    ByteArrayOutputStream again = new ByteArrayOutputStream();
    assertThat(DlqRedrive.run(args, new PrintStream(again, true, UTF_8))).isZero();
    assertThat(again.toString(UTF_8)).contains("already redriven").contains("0 redriven");
    assertThat(
            kafka.matching(on("user.auth").and(r -> Arrays.equals(r.value(), lost.toByteArray()))))
        .hasSize(1);
  }

  private void produce(AuthMsg msg) {
    kafka.send(
        new ProducerRecord<>("user.auth", msg.getOpenId().getBytes(UTF_8), msg.toByteArray()));
  }

  private Db awaitOutcome(AuthMsg msg, String outcome) {
    await().atMost(WAIT).until(() -> db.outcome(msg.getMessageId()).isPresent());
    assertThat(db.outcome(msg.getMessageId())).contains(outcome);
    return db;
  }

  /** The message ids of the ledger with this prefix, as stored. */
  private List<String> ledgerMessageIdsStartingWith(String prefix) {
    return jdbc.sql("SELECT message_id FROM auth_msg WHERE message_id LIKE ?")
        .param(prefix + "%")
        .query(String.class)
        .list();
  }

  private double counter(String result) {
    return meters.get("usermq.auth.messages").tag("result", result).counter().count();
  }

  /** Data statements MySQL ran so far, over all sessions. */
  private long statementsOnMysql() {
    return jdbc.sql(
            "SELECT SUM(VARIABLE_VALUE) FROM information_schema.GLOBAL_STATUS"
                + " WHERE VARIABLE_NAME IN ('COM_SELECT', 'COM_INSERT', 'COM_UPDATE', 'COM_DELETE')")
        .query(Long.class)
        .single();
  }

  private static Predicate<ConsumerRecord<byte[], byte[]>> on(String topic) {
    return r -> r.topic().equals(topic);
  }

  private static Predicate<ConsumerRecord<byte[], byte[]>> from(AuthMsg... msgs) {
    List<String> ids = Arrays.stream(msgs).map(AuthMsg::getMessageId).toList();
    return r -> {
      Header h = r.headers().lastHeader("source-message-id");
      return h != null && ids.contains(new String(h.value(), UTF_8));
    };
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), UTF_8);
  }
}
