package dev.usermq.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.after;
import static org.mockito.Mockito.doNothing;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.usermq.logic.AuthMsgResult;
import dev.usermq.logic.Outcome;
import dev.usermq.proto.common.mq.v1.AuthMsg;
import dev.usermq.proto.common.mq.v1.AuthMsgKind;
import dev.usermq.proto.common.mq.v1.CancelUserOrdersReq;
import dev.usermq.proto.common.mq.v1.UserCountReq;
import dev.usermq.repository.DependencyUnavailableException;
import dev.usermq.repository.model.AuthMsgModel;
import dev.usermq.repository.rpc.AuthzCallException;
import dev.usermq.support.Msgs;
import dev.usermq.support.RedisCommands;
import dev.usermq.support.SqlStatements;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.MDC;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.StringRedisTemplate;

/** The auth message routes: every kind, duplicates, bad input, transient and other failures. */
class AuthMsgRouteTest extends AuthMsgRouteTestBase {

  @Autowired StringRedisTemplate redis;
  @Autowired MeterRegistry meters;
  @Autowired SqlStatements statements;

  private MockEndpoint handled;

  @BeforeEach
  void handledEndpoint() {
    handled = mock("mock:handle-auth-msg");
  }

  @Test
  void registerCreatesUserBindsAccountGrantsMemberAndEmitsUserCount() throws Exception {
    String openId = Msgs.openId();
    AuthMsg msg = Msgs.register("wechat", openId);
    userTopic.expectedMessageCount(1);
    orderTopic.expectedMessageCount(0);

    send(msg);

    userTopic.assertIsSatisfied();
    long userId = db.userOf("wechat", openId).orElseThrow();
    assertThat(db.userStatus(userId)).isEqualTo(1);
    assertThat(db.outcome(msg.getMessageId())).contains("APPLIED");
    // behind the record, by the background delivery
    verify(authz, timeout(5_000)).grantRole(userId, "member");
    Message event = userTopic.getReceivedExchanges().get(0).getMessage();
    assertThat(UserCountReq.parseFrom(event.getBody(byte[].class)).getUserId()).isEqualTo(userId);
    assertThat(event.getHeaders())
        .containsEntry("kafka.KEY", Long.toString(userId))
        .containsEntry("event-id", msg.getMessageId() + ":user.count")
        .containsEntry("event-type", "user.count")
        .containsEntry("source-message-id", msg.getMessageId())
        .doesNotContainKey("x-trace")
        // tracing is off unless tracing.enabled
        .doesNotContainKey("traceparent");
  }

  @Test
  void aNewRecordIsOneTransactionClaimingItsLedgerRowBeforeAnyRead() {
    AuthMsg msg = Msgs.register("wechat", Msgs.openId());
    int mark = statements.callsMark();

    send(msg);

    assertThat(statements.callsSince(mark))
        .extracting(AuthMsgRouteTest::shortForm)
        .containsExactly(
            // its own: the ledger row claimed first, a copy already there fails the claim
            "<setAutoCommit false>",
            "INSERT auth_msg",
            "SELECT user_third_auth",
            "INSERT `user`",
            "INSERT user_third_auth",
            "INSERT authz_command",
            "INSERT outbox",
            "UPDATE auth_msg",
            // committed by the switch back to auto-commit (MySqlTransactionManager); the grant is
            // delivered behind it, on the background delivery's thread and connection
            "SET autocommit=1");
  }

  @Test
  void registerOfAnAlreadyBoundAccountIsNoopWithoutEvent() throws Exception {
    String openId = Msgs.openId();
    long userId = registered("apple", openId);
    MockEndpoint.resetMocks(camel);
    AuthMsg again = Msgs.register("apple", openId);
    userTopic.expectedMessageCount(0);

    send(again);

    assertThat(db.outcome(again.getMessageId())).contains("NOOP");
    assertThat(db.userOf("apple", openId)).contains(userId);
    userTopic.assertIsSatisfied();
  }

  @Test
  void bindAddsTheAccountWhenAuthzPermits() {
    long userId = registered("wechat", Msgs.openId());
    when(authz.checkPermission(userId, "user.third_auth.bind")).thenReturn(true);
    String appleId = Msgs.openId();
    AuthMsg bind = Msgs.bind(userId, "apple", appleId);

    send(bind);

    assertThat(db.outcome(bind.getMessageId())).contains("APPLIED");
    assertThat(db.userOf("apple", appleId)).contains(userId);

    AuthMsg again = Msgs.bind(userId, "apple", appleId);
    send(again);
    assertThat(db.outcome(again.getMessageId())).contains("NOOP");
  }

  @Test
  void bindIsRejectedWhenAuthzDenies() {
    long userId = registered("wechat", Msgs.openId());
    when(authz.checkPermission(userId, "user.third_auth.bind")).thenReturn(false);
    String appleId = Msgs.openId();
    AuthMsg bind = Msgs.bind(userId, "apple", appleId);

    send(bind);

    assertThat(db.outcome(bind.getMessageId())).contains("REJECTED");
    assertThat(db.userOf("apple", appleId)).isEmpty();
  }

  @Test
  void bindForUnknownOrDeactivatedUserIsRejectedWithoutAskingAuthz() {
    AuthMsg unknown = Msgs.bind(987_654_321L, "apple", Msgs.openId());
    send(unknown);
    assertThat(db.outcome(unknown.getMessageId())).contains("REJECTED");

    long userId = registered("wechat", Msgs.openId());
    send(Msgs.deactivate(userId));
    AuthMsg bind = Msgs.bind(userId, "apple", Msgs.openId());
    send(bind);
    assertThat(db.outcome(bind.getMessageId())).contains("REJECTED");
    verify(authz, never()).checkPermission(anyLong(), anyString());
  }

  @Test
  void bindOfAnAccountOwnedByAnotherUserIsRejected() {
    String contested = Msgs.openId();
    long owner = registered("apple", contested);
    long other = registered("wechat", Msgs.openId());
    when(authz.checkPermission(other, "user.third_auth.bind")).thenReturn(true);
    AuthMsg bind = Msgs.bind(other, "apple", contested);

    send(bind);

    assertThat(db.outcome(bind.getMessageId())).contains("REJECTED");
    assertThat(db.userOf("apple", contested)).contains(owner);
  }

  @Test
  void unbindRemovesTheBindingAndASecondUnbindIsNoop() {
    String openId = Msgs.openId();
    long userId = registered("wechat", openId);
    AuthMsg unbind = Msgs.unbind(userId, "wechat", openId);

    send(unbind);
    AuthMsg again = Msgs.unbind(userId, "wechat", openId);
    send(again);

    assertThat(db.outcome(unbind.getMessageId())).contains("APPLIED");
    assertThat(db.outcome(again.getMessageId())).contains("NOOP");
    assertThat(db.bindingsOf(userId)).isZero();
  }

  @Test
  void deactivateRevokesRolesAndEmitsOrderCancelAndUserCount() throws Exception {
    long userId = registered("wechat", Msgs.openId());
    MockEndpoint.resetMocks(camel);
    AuthMsg deactivate = Msgs.deactivate(userId);
    orderTopic.expectedMessageCount(1);
    userTopic.expectedMessageCount(1);

    send(deactivate);

    orderTopic.assertIsSatisfied();
    userTopic.assertIsSatisfied();
    assertThat(db.userStatus(userId)).isEqualTo(2);
    verify(authz, timeout(5_000)).revokeRoles(userId);
    Message cancel = orderTopic.getReceivedExchanges().get(0).getMessage();
    CancelUserOrdersReq req = CancelUserOrdersReq.parseFrom(cancel.getBody(byte[].class));
    assertThat(req.getUserId()).isEqualTo(userId);
    assertThat(req.getReason()).isEqualTo("user_deactivated");
    assertThat(cancel.getHeaders())
        .containsEntry("event-id", deactivate.getMessageId() + ":order.cancel_by_user")
        .containsEntry("event-type", "order.cancel_by_user");

    AuthMsg again = Msgs.deactivate(userId);
    send(again);
    assertThat(db.outcome(again.getMessageId())).contains("NOOP");
  }

  @Test
  void deactivateOfUnknownUserIsRejected() {
    AuthMsg msg = Msgs.deactivate(876_543_210L);
    send(msg);
    assertThat(db.outcome(msg.getMessageId())).contains("REJECTED");
  }

  @Test
  void duplicateMessageIsSkippedWithoutTouchingMysql() throws Exception {
    AuthMsg msg = Msgs.register("wechat", Msgs.openId());
    handled.expectedMessageCount(1);
    userTopic.expectedMessageCount(1);

    send(msg);
    send(msg);

    handled.assertIsSatisfied();
    userTopic.assertIsSatisfied();
    assertThat(db.ledgerRows(msg.getMessageId())).isEqualTo(1);
    assertThat(redis.getExpire("user:msg:processed:" + msg.getMessageId())).isPositive();
  }

  @Test
  void duplicateCostsOneRedisReadAndNoWrite() {
    AuthMsg msg = Msgs.register("wechat", Msgs.openId());
    send(msg);
    long reads = RedisCommands.calls(redis, "get");
    long writes = RedisCommands.calls(redis, "set");

    send(msg);

    assertThat(RedisCommands.calls(redis, "get")).as("GET of its key").isEqualTo(reads + 1);
    assertThat(RedisCommands.calls(redis, "set"))
        .as("its key is there already: no SET NX")
        .isEqualTo(writes);
  }

  @Test
  void ledgerStopsASecondApplicationOnceRedisForgotTheMessage() throws Exception {
    AuthMsg msg = Msgs.register("wechat", Msgs.openId());
    send(msg);
    // its event and grant are marked delivered in the database (an unmarked one is sent again)
    long userId = db.userOf("wechat", msg.getOpenId()).orElseThrow();
    awaitDelivered(userId);
    redis.delete("user:msg:processed:" + msg.getMessageId());
    MockEndpoint.resetMocks(camel);
    handled.expectedMessageCount(1);
    userTopic.expectedMessageCount(0);

    send(msg);

    handled.assertIsSatisfied();
    userTopic.assertIsSatisfied();
    assertThat(db.ledgerRows(msg.getMessageId())).isEqualTo(1);
    // nothing handed over for the background delivery: the grant once, from the first copy
    verify(authz, after(300)).grantRole(userId, "member");
  }

  static Stream<Arguments> badInput() {
    AuthMsg valid = Msgs.register("wechat", "o-1");
    return Stream.of(
        Arguments.of(
            "not protobuf",
            "garbage \u0000\u00ff".getBytes(StandardCharsets.ISO_8859_1),
            "PARSE_ERROR"),
        Arguments.of(
            "missing message_id",
            valid.toBuilder().clearMessageId().build().toByteArray(),
            "VALIDATION_ERROR"),
        Arguments.of(
            "malformed message_id",
            valid.toBuilder().setMessageId("a b/c").build().toByteArray(),
            "VALIDATION_ERROR"),
        Arguments.of(
            "unspecified kind",
            valid.toBuilder().setKind(AuthMsgKind.AUTH_MSG_KIND_UNSPECIFIED).build().toByteArray(),
            "VALIDATION_ERROR"),
        Arguments.of(
            "unknown kind number",
            valid.toBuilder().setKindValue(42).build().toByteArray(),
            "VALIDATION_ERROR"),
        Arguments.of(
            "missing open_id",
            valid.toBuilder().clearOpenId().build().toByteArray(),
            "VALIDATION_ERROR"),
        Arguments.of(
            "bind without user_id", Msgs.bind(0, "apple", "o-2").toByteArray(), "VALIDATION_ERROR"),
        Arguments.of(
            "over the size limit",
            valid.toBuilder().setAvatarUrl("x".repeat(20_000)).build().toByteArray(),
            "VALIDATION_ERROR"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badInput")
  void badInputGoesStraightToTheDlqWithItsBytesHeadersAndReason(
      String name, byte[] value, String reason) throws Exception {
    dlq.expectedMessageCount(1);
    handled.expectedMessageCount(0);

    Exchange result =
        producer.send(
            IN,
            e -> {
              e.getIn().setBody(value);
              e.getIn().setHeaders(kafkaHeaders(7, 42));
              e.getIn().setHeader("x-trace", "abc".getBytes(StandardCharsets.UTF_8));
            });

    assertThat(result.getException()).isNull();
    dlq.assertIsSatisfied();
    handled.assertIsSatisfied();
    Message dead = dlq.getReceivedExchanges().get(0).getMessage();
    assertThat(dead.getBody(byte[].class)).isEqualTo(value);
    assertThat(dead.getHeaders())
        .containsEntry("dlq-reason", reason)
        .containsEntry("dlq-source-topic", "user.auth")
        .containsEntry("dlq-source-partition", "7")
        .containsEntry("dlq-source-offset", "42")
        .containsKeys("dlq-error", "dlq-failed-at", "x-trace");
    assertThat(dead.getHeader("dlq-error", String.class)).isNotBlank();
  }

  @Test
  void tombstoneRecordGoesToTheDlqAsParseError() throws Exception {
    dlq.expectedMessageCount(1);
    producer.send(IN, e -> e.getIn().setHeaders(kafkaHeaders(0, 1)));
    dlq.assertIsSatisfied();
    assertThat(dlq.getReceivedExchanges().get(0).getMessage().getHeader("dlq-reason"))
        .isEqualTo("PARSE_ERROR");
  }

  @Test
  void transientAuthzFailureIsRetriedAndThenApplied() throws Exception {
    long userId = registered("wechat", Msgs.openId());
    MockEndpoint.resetMocks(camel);
    doThrow(new DependencyUnavailableException("authz down", null))
        .doThrow(new DependencyUnavailableException("authz down", null))
        .doReturn(true)
        .when(authz)
        .checkPermission(userId, "user.third_auth.bind");
    String openId = Msgs.openId();
    AuthMsg msg = Msgs.bind(userId, "apple", openId);
    dlq.expectedMessageCount(0);
    pause.expectedMessageCount(0);

    send(msg);

    assertThat(db.outcome(msg.getMessageId())).contains("APPLIED");
    assertThat(db.userOf("apple", openId)).contains(userId);
    dlq.assertIsSatisfied();
    pause.assertIsSatisfied();
  }

  @Test
  void lastingTransientFailureIsHandedBackToTheConsumerAndNeverDeadLettered() throws Exception {
    long userId = registered("wechat", Msgs.openId());
    MockEndpoint.resetMocks(camel);
    doThrow(new DependencyUnavailableException("authz down", null))
        .when(authz)
        .checkPermission(userId, "user.third_auth.bind");
    String openId = Msgs.openId();
    AuthMsg msg = Msgs.bind(userId, "apple", openId);
    dlq.expectedMessageCount(0);
    pause.expectedMessageCount(1);

    Exchange result = producer.send(IN, e -> fill(e, msg));

    assertThat(causes(result.getException()))
        .hasAtLeastOneElementOfType(DependencyUnavailableException.class);
    dlq.assertIsSatisfied();
    pause.assertIsSatisfied();
    // nothing committed, and the record is not remembered as done
    assertThat(db.ledgerRows(msg.getMessageId())).isZero();
    assertThat(redis.hasKey("user:msg:processed:" + msg.getMessageId())).isFalse();

    // the consumer reads the record again once authz is back
    doReturn(true).when(authz).checkPermission(userId, "user.third_auth.bind");
    send(msg);
    assertThat(db.outcome(msg.getMessageId())).contains("APPLIED");
    assertThat(db.userOf("apple", openId)).contains(userId);
  }

  @Test
  void aGrantWaitsForAuthzBehindTheRecordWhileTheConsumerGoesOn() throws Exception {
    // switched, not stubbed again: the background delivery calls the mock meanwhile
    java.util.concurrent.atomic.AtomicBoolean down =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    org.mockito.Mockito.doAnswer(
            call -> {
              if (down.get()) {
                throw new DependencyUnavailableException("authz down", null);
              }
              return null;
            })
        .when(authz)
        .grantRole(anyLong(), eq("member"));
    String openId = Msgs.openId();
    AuthMsg msg = Msgs.register("wechat", openId);
    dlq.expectedMessageCount(0);
    pause.expectedMessageCount(0);
    double failures = inlineAuthzFailures();

    Exchange result = producer.send(IN, e -> fill(e, msg));

    // the record is done: applied, remembered, its offset free to be committed
    assertThat(result.getException()).isNull();
    dlq.assertIsSatisfied();
    pause.assertIsSatisfied();
    assertThat(db.outcome(msg.getMessageId())).contains("APPLIED");
    assertThat(redis.hasKey("user:msg:processed:" + msg.getMessageId())).isTrue();
    long userId = db.userOf("wechat", openId).orElseThrow();
    // its grant is committed and tried again after a pause, for as long as authz is down
    verify(authz, timeout(5_000).atLeast(2)).grantRole(userId, "member");
    assertThat(pendingAuthzCommands(userId)).containsExactly("GRANT_ROLE");
    assertThat(inlineAuthzFailures()).isGreaterThan(failures);

    // authz is back: the grant goes
    down.set(false);
    awaitDelivered(userId);
    assertThat(db.ledgerRows(msg.getMessageId())).isEqualTo(1);
  }

  @Test
  void transientFailureAfterAnUnexpectedOneIsHandedBackAndNeverDeadLettered() throws Exception {
    // a dependency going down first fails one way, then the retries find it down: the last
    // failure decides, and a dependency that is down never sends a record to the DLQ
    long userId = registered("wechat", Msgs.openId());
    doThrow(new AuthzCallException("authz hiccup", null))
        .doThrow(new DependencyUnavailableException("authz down", null))
        .when(authz)
        .checkPermission(userId, "user.third_auth.bind");
    String openId = Msgs.openId();
    AuthMsg msg = Msgs.bind(userId, "apple", openId);
    dlq.expectedMessageCount(0);

    Exchange result = producer.send(IN, e -> fill(e, msg));

    assertThat(result.getException()).isInstanceOf(DependencyUnavailableException.class);
    dlq.assertIsSatisfied();
    assertThat(db.ledgerRows(msg.getMessageId())).isZero();
    assertThat(db.userOf("apple", openId)).isEmpty();
  }

  @Test
  void unexpectedFailureIsRetriedThenDeadLetteredAndRolledBack() throws Exception {
    long userId = registered("wechat", Msgs.openId());
    MockEndpoint.resetMocks(camel);
    doThrow(new AuthzCallException("authz refused", null))
        .when(authz)
        .checkPermission(userId, "user.third_auth.bind");
    String openId = Msgs.openId();
    AuthMsg msg = Msgs.bind(userId, "apple", openId);
    dlq.expectedMessageCount(1);
    dlq.expectedHeaderReceived("dlq-reason", "RETRIES_EXHAUSTED");

    send(msg);

    dlq.assertIsSatisfied();
    assertThat(dlq.getReceivedExchanges().get(0).getMessage().getBody(byte[].class))
        .isEqualTo(msg.toByteArray());
    assertThat(db.ledgerRows(msg.getMessageId())).isZero();
    assertThat(db.userOf("apple", openId)).isEmpty();
    // not remembered as processed: a redriven copy must be processed, not skipped
    assertThat(redis.hasKey("user:msg:processed:" + msg.getMessageId())).isFalse();
  }

  @Test
  void authzWritesFollowTheCommitOfTheirWork() {
    // authz is asked only about committed rows: seen from another connection while it is called
    java.util.List<String> seenByAuthz = new java.util.concurrent.CopyOnWriteArrayList<>();
    org.mockito.Mockito.doAnswer(
            call -> seenByAuthz.add("grant:" + committedStatus(call.getArgument(0))))
        .when(authz)
        .grantRole(anyLong(), eq("member"));
    org.mockito.Mockito.doAnswer(
            call -> seenByAuthz.add("revoke:" + committedStatus(call.getArgument(0))))
        .when(authz)
        .revokeRoles(anyLong());
    String openId = Msgs.openId();

    send(Msgs.register("wechat", openId));
    long userId = db.userOf("wechat", openId).orElseThrow();
    awaitDelivered(userId);
    send(Msgs.deactivate(userId));
    awaitDelivered(userId);

    assertThat(seenByAuthz).containsExactly("grant:1", "revoke:2");
  }

  @Test
  void commandsWhoseMarkIsNotWrittenYetAreDeliveredAgainInOrderBeforeTheNextOne() {
    java.util.List<String> seenByAuthz = new java.util.concurrent.CopyOnWriteArrayList<>();
    org.mockito.Mockito.doAnswer(call -> seenByAuthz.add("grant"))
        .when(authz)
        .grantRole(anyLong(), eq("member"));
    org.mockito.Mockito.doAnswer(call -> seenByAuthz.add("revoke"))
        .when(authz)
        .revokeRoles(anyLong());
    String openId = Msgs.openId();

    // the grant is delivered; its mark still waits for the next flush when the deactivation comes
    send(Msgs.register("wechat", openId));
    long userId = db.userOf("wechat", openId).orElseThrow();
    await().atMost(java.time.Duration.ofSeconds(5)).until(() -> seenByAuthz.size() == 1);
    send(Msgs.deactivate(userId));
    await().atMost(java.time.Duration.ofSeconds(5)).until(() -> seenByAuthz.size() == 3);

    assertThat(seenByAuthz).containsExactly("grant", "grant", "revoke");
    assertThat(pendingAuthzCommands(userId)).isEmpty();
  }

  @Test
  void aGrantAppliedButAnsweredAfterTheDeadlineLeavesNoOrphanAndIsDeliveredAgain() {
    // authz applies the grant, but its answer comes after the deadline, once
    java.util.Set<Long> granted = java.util.concurrent.ConcurrentHashMap.newKeySet();
    java.util.concurrent.atomic.AtomicBoolean late =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    org.mockito.Mockito.doAnswer(
            call -> {
              granted.add(call.getArgument(0));
              if (late.getAndSet(false)) {
                throw new DependencyUnavailableException(
                    "authz GrantRole: DEADLINE_EXCEEDED", null);
              }
              return null;
            })
        .when(authz)
        .grantRole(anyLong(), eq("member"));
    String openId = Msgs.openId();
    AuthMsg msg = Msgs.register("wechat", openId);

    send(msg);

    long userId = db.userOf("wechat", openId).orElseThrow();
    // tried again after a pause
    awaitDelivered(userId);
    assertThat(granted).as("every granted user exists in MySQL").containsExactly(userId);
    assertThat(db.outcome(msg.getMessageId())).contains("APPLIED");
  }

  @Autowired dev.usermq.logic.AuthMsgLogic logic;
  @Autowired AuthMsgModel ledger;

  @Test
  void aCopyClaimedMeanwhileByAnotherConsumerIsADuplicateOnceThatOneCommits() throws Exception {
    AuthMsg msg = Msgs.register("wechat", Msgs.openId());
    AuthMsgResult result =
        whileAnotherTransactionHoldsItsLocks(
            () -> {
              ledger.claim(msg.getMessageId(), "REGISTER", 0);
              ledger.markAsProcessed(msg.getMessageId(), "APPLIED", 42);
            },
            () -> logic.handle(msg));

    assertThat(result.outcome()).isEqualTo(Outcome.DUPLICATE);
    assertThat(result.userId()).isEqualTo(42);
    assertThat(db.ledgerRows(msg.getMessageId())).isEqualTo(1);
    assertThat(db.userOf("wechat", msg.getOpenId())).as("no work of the copy's own").isEmpty();
  }

  @Test
  void aCrashBetweenTheCommitAndTheGrantIsMadeGoodWhenTheRecordIsReadAgain() {
    String openId = Msgs.openId();
    AuthMsg msg = Msgs.register("wechat", openId);
    // the transaction commits, then the process dies before delivering anything
    logic.handle(msg);
    long userId = db.userOf("wechat", openId).orElseThrow();
    verify(authz, never()).grantRole(anyLong(), anyString());
    assertThat(pendingAuthzCommands(userId)).containsExactly("GRANT_ROLE");

    // the record was not committed: the restarted consumer reads it again
    send(msg);

    awaitDelivered(userId);
    verify(authz).grantRole(userId, "member");
    assertThat(db.ledgerRows(msg.getMessageId())).isEqualTo(1);
  }

  @Test
  void logLinesOfARecordCarryItsMessageIdInTheMdcUntilItIsDone() throws Exception {
    AuthMsg msg = Msgs.register("wechat", Msgs.openId());
    handled.expectedMessageCount(1);
    handled.expectedHeaderReceived("mdc-message-id", msg.getMessageId());

    send(msg);

    handled.assertIsSatisfied();
    assertThat(MDC.get("messageId")).as("cleared when the exchange is done").isNull();
  }

  @Test
  void appliedRecordIsCountedAndTimedWithItsResult() {
    double applied = counter("usermq.auth.messages", "result", "applied");
    long timed = timed("applied");

    send(Msgs.register("wechat", Msgs.openId()));

    assertThat(counter("usermq.auth.messages", "result", "applied")).isEqualTo(applied + 1);
    assertThat(timed("applied")).isEqualTo(timed + 1);
    Timer timer = meters.get("usermq.auth.processing").tag("result", "applied").timer();
    assertThat(timer.max(TimeUnit.NANOSECONDS)).isPositive();
  }

  @Test
  void duplicateAndDeadLetteredRecordsAreTimedWithTheirResult() {
    AuthMsg msg = Msgs.register("wechat", Msgs.openId());
    send(msg);
    long duplicates = timed("duplicate_redis");
    long deadLettered = timed("dead_lettered");
    double parseErrors = counter("usermq.auth.dead_letters", "reason", "PARSE_ERROR");

    send(msg);
    producer.send(IN, e -> e.getIn().setBody("garbage".getBytes(StandardCharsets.UTF_8)));

    assertThat(timed("duplicate_redis")).isEqualTo(duplicates + 1);
    assertThat(timed("dead_lettered")).isEqualTo(deadLettered + 1);
    assertThat(counter("usermq.auth.dead_letters", "reason", "PARSE_ERROR"))
        .isEqualTo(parseErrors + 1);
  }

  @Test
  void transientRetriesAreCountedAndARecordHandedBackIsTimedAsFailed() {
    long userId = registered("wechat", Msgs.openId());
    doThrow(new DependencyUnavailableException("authz down", null))
        .doThrow(new DependencyUnavailableException("authz down", null))
        .doReturn(true)
        .when(authz)
        .checkPermission(userId, "user.third_auth.bind");
    double transientRetries = counter("usermq.auth.retries", "kind", "transient");

    send(Msgs.bind(userId, "apple", Msgs.openId()));

    assertThat(counter("usermq.auth.retries", "kind", "transient")).isEqualTo(transientRetries + 2);

    doThrow(new DependencyUnavailableException("authz down", null))
        .when(authz)
        .checkPermission(userId, "user.third_auth.bind");
    long failed = timed("failed");
    double retries = counter("usermq.auth.retries", "kind", "transient");

    producer.send(IN, e -> fill(e, Msgs.bind(userId, "apple", Msgs.openId())));

    // retry.transient.redeliveries=3 in this test
    assertThat(counter("usermq.auth.retries", "kind", "transient")).isEqualTo(retries + 3);
    assertThat(timed("failed")).isEqualTo(failed + 1);
  }

  @Test
  void unexpectedRetriesAreCounted() {
    long userId = registered("wechat", Msgs.openId());
    doThrow(new AuthzCallException("authz refused", null))
        .when(authz)
        .checkPermission(userId, "user.third_auth.bind");
    double retries = counter("usermq.auth.retries", "kind", "unexpected");

    send(Msgs.bind(userId, "apple", Msgs.openId()));

    // retry.unexpected.redeliveries defaults to 3
    assertThat(counter("usermq.auth.retries", "kind", "unexpected")).isEqualTo(retries + 3);
  }

  private static java.util.List<Throwable> causes(Throwable failure) {
    java.util.List<Throwable> chain = new java.util.ArrayList<>();
    for (Throwable t = failure; t != null && !chain.contains(t); t = t.getCause()) {
      chain.add(t);
    }
    return chain;
  }

  @Autowired javax.sql.DataSource dataSource;

  /**
   * The user's status as committed, 0 if not: read on a connection of its own, outside any
   * transaction the calling thread may be in.
   */
  private int committedStatus(long userId) throws java.sql.SQLException {
    try (java.sql.Connection c = dataSource.getConnection();
        java.sql.PreparedStatement q =
            c.prepareStatement("SELECT status FROM `user` WHERE id = ?")) {
      q.setLong(1, userId);
      try (java.sql.ResultSet rs = q.executeQuery()) {
        return rs.next() ? rs.getInt(1) : 0;
      }
    }
  }

  private double inlineAuthzFailures() {
    return meters
        .get("usermq.outbox.failures")
        .tags("type", "authz", "path", "inline")
        .counter()
        .count();
  }

  /** Waits until the user's authz commands are delivered behind the records and marked done. */
  private void awaitDelivered(long userId) {
    await()
        .atMost(java.time.Duration.ofSeconds(10))
        .until(() -> pendingAuthzCommands(userId).isEmpty());
  }

  private double counter(String name, String tag, String value) {
    Counter counter = meters.find(name).tag(tag, value).counter();
    return counter == null ? 0 : counter.count();
  }

  private long timed(String result) {
    Timer timer = meters.find("usermq.auth.processing").tag("result", result).timer();
    return timer == null ? 0 : timer.count();
  }

  private long registered(String platform, String openId) {
    doNothing().when(authz).grantRole(anyLong(), anyString());
    send(Msgs.register(platform, openId));
    awaitAuthzDelivery();
    return db.userOf(platform, openId).orElseThrow();
  }

  /**
   * A call as {@code <its name and argument>}, a SET as it is, another statement as verb and table.
   */
  private static String shortForm(String call) {
    String[] words = call.strip().split("\\s+");
    if (call.startsWith("<") || words[0].equals("SET")) {
      return call;
    }
    for (int i = 0; i < words.length - 1; i++) {
      if (words[i].matches("(?i)INTO|UPDATE|FROM")) {
        return words[0] + " " + words[i + 1];
      }
    }
    return call;
  }

  private void send(AuthMsg msg) {
    Exchange result = producer.send(IN, e -> fill(e, msg));
    assertThat(result.getException()).as("exchange failure").isNull();
  }

  private static void fill(Exchange e, AuthMsg msg) {
    e.getIn().setBody(msg.toByteArray());
    e.getIn().setHeaders(kafkaHeaders(0, 0));
    e.getIn().setHeader("x-trace", "abc".getBytes(StandardCharsets.UTF_8));
  }

  private static Map<String, Object> kafkaHeaders(int partition, long offset) {
    return new java.util.HashMap<>(
        Map.of("kafka.TOPIC", "user.auth", "kafka.PARTITION", partition, "kafka.OFFSET", offset));
  }
}
