package dev.usermq.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.after;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doNothing;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;

import dev.usermq.proto.common.mq.v1.AuthMsg;
import dev.usermq.repository.DependencyUnavailableException;
import dev.usermq.repository.model.AuthMsgModel;
import dev.usermq.repository.model.UserModel;
import dev.usermq.repository.model.UserRow;
import dev.usermq.repository.model.UserThirdAuthModel;
import dev.usermq.repository.model.UserThirdAuthRow;
import dev.usermq.repository.rpc.AuthzCallException;
import dev.usermq.support.Msgs;
import dev.usermq.support.SqlStatements;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The batch route: a batch's records applied together, bad input and records failing on their own
 * dead-lettered alone, duplicates, a dependency down failing the whole batch, one commit a
 * partition.
 */
class AuthMsgBatchRouteTest extends AuthMsgRouteTestBase {

  @Autowired StringRedisTemplate redis;
  @Autowired AuthMsgModel ledger;
  @Autowired UserModel users;
  @Autowired UserThirdAuthModel bindings;
  @Autowired SqlStatements statements;

  @BeforeEach
  void authzGrants() {
    doNothing().when(authz).grantRole(anyLong(), anyString());
  }

  /** A batch under construction: record exchanges as the Kafka consumer makes them. */
  private final class Batch {
    final List<Exchange> records = new ArrayList<>();
    final List<KafkaManualCommit> commits = new ArrayList<>();

    Batch add(int partition, byte[] value) {
      Exchange record = new DefaultExchange(camel);
      Message message = record.getMessage();
      message.setBody(value);
      message.setHeader(KafkaConstants.TOPIC, "user.auth");
      message.setHeader(KafkaConstants.PARTITION, partition);
      message.setHeader(KafkaConstants.OFFSET, (long) records.size());
      message.setHeader("x-trace", "abc".getBytes(StandardCharsets.UTF_8));
      KafkaManualCommit commit = org.mockito.Mockito.mock(KafkaManualCommit.class);
      message.setHeader(KafkaConstants.MANUAL_COMMIT, commit);
      records.add(record);
      commits.add(commit);
      return this;
    }

    Batch add(int partition, AuthMsg msg) {
      return add(partition, msg.toByteArray());
    }

    Exchange send() {
      return producer.send(BATCH_IN, e -> e.getMessage().setBody(records));
    }
  }

  @Test
  void aBatchIsAppliedWithItsEventsAndGrantsAndEachPartitionIsCommittedOnceAfterItsLastRecord()
      throws Exception {
    List<AuthMsg> msgs = new ArrayList<>();
    Batch batch = new Batch();
    for (int i = 0; i < 5; i++) {
      AuthMsg msg = Msgs.register("wechat", Msgs.openId());
      msgs.add(msg);
      batch.add(i % 2, msg);
    }
    userTopic.expectedMessageCount(5);

    Exchange result = batch.send();

    assertThat(result.getException()).isNull();
    userTopic.assertIsSatisfied();
    for (AuthMsg msg : msgs) {
      assertThat(db.outcome(msg.getMessageId())).contains("APPLIED");
      long userId = db.userOf("wechat", msg.getOpenId()).orElseThrow();
      // behind the batch, by the background delivery
      verify(authz, timeout(5_000)).grantRole(userId, "member");
      assertThat(redis.hasKey("user:msg:processed:" + msg.getMessageId())).isTrue();
    }
    assertThat(userTopic.getReceivedExchanges())
        .extracting(e -> e.getMessage().getHeader("event-id"))
        .containsExactly(msgs.stream().map(m -> m.getMessageId() + ":user.count").toArray());
    // keyed by the user, as bytes (what the key serializer takes)
    Message first = userTopic.getReceivedExchanges().get(0).getMessage();
    long firstUser = db.userOf("wechat", msgs.get(0).getOpenId()).orElseThrow();
    assertThat(
            new String(first.getHeader(KafkaConstants.KEY, byte[].class), StandardCharsets.UTF_8))
        .isEqualTo(Long.toString(firstUser));
    assertThat(first.getHeaders())
        .containsEntry("event-type", "user.count")
        .containsEntry("source-message-id", msgs.get(0).getMessageId())
        .doesNotContainKey("x-trace");
    // partition 0 had records 0, 2, 4; partition 1 records 1, 3: the last of each is committed
    verify(batch.commits.get(4)).commit();
    verify(batch.commits.get(3)).commit();
    for (int i = 0; i < 3; i++) {
      verify(batch.commits.get(i), never()).commit();
    }
    deliveryMarks.flush();
    assertThat(unsentEventsOf(msgs)).isZero();
  }

  @Test
  void badInputGoesToTheDlqAloneWithItsReasonAndItsNeighboursAreApplied() throws Exception {
    AuthMsg before = Msgs.register("wechat", Msgs.openId());
    AuthMsg after = Msgs.register("wechat", Msgs.openId());
    byte[] garbage = {(byte) 0xff, 0x01, 0x02};
    AuthMsg badId = before.toBuilder().setMessageId("not an id!").build();
    Batch batch = new Batch().add(0, before).add(0, garbage).add(0, badId).add(0, after);
    dlq.expectedMessageCount(2);

    Exchange result = batch.send();

    assertThat(result.getException()).isNull();
    dlq.assertIsSatisfied();
    Message parse = dlq.getReceivedExchanges().get(0).getMessage();
    assertThat(parse.getBody(byte[].class)).isEqualTo(garbage);
    assertThat(parse.getHeaders())
        .containsEntry("dlq-reason", "PARSE_ERROR")
        .containsEntry("dlq-source-topic", "user.auth")
        .containsEntry("dlq-source-partition", "0")
        .containsEntry("dlq-source-offset", "1")
        .containsKeys("dlq-error", "dlq-failed-at", "x-trace");
    Message invalid = dlq.getReceivedExchanges().get(1).getMessage();
    assertThat(invalid.getBody(byte[].class)).isEqualTo(badId.toByteArray());
    assertThat(invalid.getHeaders())
        .containsEntry("dlq-reason", "VALIDATION_ERROR")
        .containsEntry("dlq-source-offset", "2");
    assertThat(invalid.getHeader("dlq-error", String.class)).contains("message_id");
    assertThat(db.outcome(before.getMessageId())).contains("APPLIED");
    assertThat(db.outcome(after.getMessageId())).contains("APPLIED");
    verify(batch.commits.get(3)).commit();
  }

  @Test
  void aRecordFailingOnItsOwnIsRetriedAloneAndDeadLetteredWhileItsNeighboursAreAppliedOnce()
      throws Exception {
    long deactivated = registered();
    long bound = registered();
    // fails inside the transaction (the deactivation's cache tombstone), every time
    doThrow(new IllegalStateException("boom"))
        .when(userCache)
        .invalidate(eq(deactivated), anyLong());
    // fails before the transaction (BIND's permission), every time
    doThrow(new AuthzCallException("authz refused", null))
        .when(authz)
        .checkPermission(bound, "user.third_auth.bind");
    AuthMsg first = Msgs.register("wechat", Msgs.openId());
    AuthMsg deactivate = Msgs.deactivate(deactivated);
    AuthMsg middle = Msgs.register("wechat", Msgs.openId());
    AuthMsg bind = Msgs.bind(bound, "apple", Msgs.openId());
    AuthMsg last = Msgs.register("wechat", Msgs.openId());
    Batch batch =
        new Batch().add(0, first).add(0, deactivate).add(0, middle).add(0, bind).add(0, last);
    dlq.expectedMessageCount(2);

    Exchange result = batch.send();

    assertThat(result.getException()).isNull();
    dlq.assertIsSatisfied();
    assertThat(dlq.getReceivedExchanges())
        .extracting(e -> e.getMessage().getHeader("dlq-reason"))
        .containsExactly("RETRIES_EXHAUSTED", "RETRIES_EXHAUSTED");
    assertThat(dlq.getReceivedExchanges())
        .extracting(e -> e.getMessage().getBody(byte[].class))
        .containsExactly(deactivate.toByteArray(), bind.toByteArray());
    for (AuthMsg applied : List.of(first, middle, last)) {
      assertThat(db.outcome(applied.getMessageId())).contains("APPLIED");
      assertThat(db.ledgerRows(applied.getMessageId())).isEqualTo(1);
      assertThat(db.userOf("wechat", applied.getOpenId())).isPresent();
    }
    // the records that failed left nothing behind and are not remembered as processed
    assertThat(db.ledgerRows(deactivate.getMessageId())).isZero();
    assertThat(db.userStatus(deactivated)).isEqualTo(1);
    assertThat(db.ledgerRows(bind.getMessageId())).isZero();
    assertThat(redis.hasKey("user:msg:processed:" + deactivate.getMessageId())).isFalse();
    assertThat(redis.hasKey("user:msg:processed:" + bind.getMessageId())).isFalse();
    // one event each for the applied registrations, none for the others
    assertThat(userTopic.getReceivedExchanges())
        .extracting(e -> e.getMessage().getHeader("source-message-id"))
        .containsExactlyInAnyOrder(
            first.getMessageId(), middle.getMessageId(), last.getMessageId());
    verify(batch.commits.get(4)).commit();
  }

  @Test
  void aRecordWhoseHeldInsertFailsIsDeadLetteredAloneAndItsNeighboursAreApplied() throws Exception {
    AuthMsg first = Msgs.register("wechat", Msgs.openId());
    AuthMsg clashing = Msgs.register("wechat", Msgs.openId());
    AuthMsg last = Msgs.register("wechat", Msgs.openId());
    // the event id of the middle record is taken: its event's insert fails on the unique key, in
    // the batch's one insert of all the events, which names no record
    jdbc.sql(
            "INSERT INTO outbox (event_id, event_type, topic, record_key, payload,"
                + " source_message_id, sent_at) VALUES (?, 'user.count', 'user', '1', x'00',"
                + " 'elsewhere', CURRENT_TIMESTAMP(3))")
        .param(clashing.getMessageId() + ":user.count")
        .update();
    dlq.expectedMessageCount(1);

    Exchange result = new Batch().add(0, first).add(0, clashing).add(0, last).send();

    assertThat(result.getException()).isNull();
    dlq.assertIsSatisfied();
    assertThat(dlq.getReceivedExchanges().get(0).getMessage().getBody(byte[].class))
        .isEqualTo(clashing.toByteArray());
    assertThat(db.ledgerRows(clashing.getMessageId())).isZero();
    for (AuthMsg applied : List.of(first, last)) {
      assertThat(db.outcome(applied.getMessageId())).contains("APPLIED");
    }
    assertThat(userTopic.getReceivedExchanges())
        .extracting(e -> e.getMessage().getHeader("source-message-id"))
        .containsExactly(first.getMessageId(), last.getMessageId());
  }

  @Test
  void anAuthzCommandRefusedForOneUserLeavesItForTheRelayAndTheOtherUsersGetTheirs()
      throws Exception {
    AuthMsg refused = Msgs.register("wechat", Msgs.openId());
    AuthMsg second = Msgs.register("wechat", Msgs.openId());
    AuthMsg third = Msgs.register("wechat", Msgs.openId());
    // the grant of the first record's user is refused, the others pass (the calls go at once)
    doAnswer(
            call -> {
              if (db.userOf("wechat", refused.getOpenId()).orElseThrow()
                  == call.<Long>getArgument(0)) {
                throw new AuthzCallException("authz refused", null);
              }
              return null;
            })
        .when(authz)
        .grantRole(anyLong(), eq("member"));

    Exchange result = new Batch().add(0, refused).add(0, second).add(1, third).send();

    assertThat(result.getException()).as("the records' work is committed").isNull();
    long refusedUser = db.userOf("wechat", refused.getOpenId()).orElseThrow();
    verify(authz, timeout(5_000)).grantRole(refusedUser, "member");
    for (AuthMsg granted : List.of(second, third)) {
      long userId = db.userOf("wechat", granted.getOpenId()).orElseThrow();
      await().atMost(Duration.ofSeconds(10)).until(() -> pendingAuthzCommands(userId).isEmpty());
      verify(authz).grantRole(userId, "member");
    }
    // not tried again by the background delivery: left for the relay
    verify(authz, after(300)).grantRole(refusedUser, "member");
    assertThat(pendingAuthzCommands(refusedUser)).containsExactly("GRANT_ROLE");
  }

  @Test
  void aCopyOfARecordInTheSameBatchIsAppliedOnceAndItsEventSentOnce() throws Exception {
    AuthMsg msg = Msgs.register("wechat", Msgs.openId());
    AuthMsg other = Msgs.register("wechat", Msgs.openId());
    Batch batch = new Batch().add(0, msg).add(1, other).add(1, msg);

    Exchange result = batch.send();

    assertThat(result.getException()).isNull();
    assertThat(db.ledgerRows(msg.getMessageId())).isEqualTo(1);
    assertThat(db.outcome(other.getMessageId())).contains("APPLIED");
    long userId = db.userOf("wechat", msg.getOpenId()).orElseThrow();
    verify(authz, after(300).times(1)).grantRole(userId, "member");
    assertThat(dlq.getReceivedExchanges()).isEmpty();
    // the copy is a duplicate of the record applied in this batch, whose event is sent once
    assertThat(userTopic.getReceivedExchanges())
        .extracting(e -> e.getMessage().getHeader("event-id"))
        .containsExactly(msg.getMessageId() + ":user.count", other.getMessageId() + ":user.count");
    verify(stats, never()).retried(anyString());
  }

  @Test
  void registersOfDifferentAccountsShareTheirStatementsAndAnAccountBoundBeforeIsANoopOfItsUser()
      throws Exception {
    AuthMsg earlier = Msgs.register("wechat", Msgs.openId());
    new Batch().add(0, earlier).send();
    long boundUser = db.userOf("wechat", earlier.getOpenId()).orElseThrow();
    userTopic.reset();
    AuthMsg again = Msgs.register("wechat", earlier.getOpenId());
    List<AuthMsg> fresh =
        List.of(
            Msgs.register("wechat", Msgs.openId()),
            Msgs.register("apple", Msgs.openId()),
            Msgs.register("wechat", Msgs.openId()));
    int mark = statements.mark();

    Exchange result =
        new Batch()
            .add(0, fresh.get(0))
            .add(0, again)
            .add(1, fresh.get(1))
            .add(1, fresh.get(2))
            .send();
    List<String> sql = statements.since(mark);

    assertThat(result.getException()).isNull();
    assertThat(db.outcome(again.getMessageId())).contains("NOOP");
    assertThat(db.ledgerUser(again.getMessageId())).isEqualTo(boundUser);
    assertThat(db.userOf("wechat", earlier.getOpenId())).contains(boundUser);
    Set<Long> users = new HashSet<>(List.of(boundUser));
    for (AuthMsg msg : fresh) {
      assertThat(db.outcome(msg.getMessageId())).contains("APPLIED");
      long userId = db.userOf(msg.getPlatform(), msg.getOpenId()).orElseThrow();
      assertThat(users.add(userId)).as("a user of its own").isTrue();
      assertThat(db.ledgerUser(msg.getMessageId())).isEqualTo(userId);
      assertThat(db.bindingsOf(userId)).isEqualTo(1);
      verify(authz, timeout(5_000)).grantRole(userId, "member");
    }
    assertThat(userTopic.getReceivedExchanges())
        .extracting(e -> e.getMessage().getHeader("source-message-id"))
        .containsExactlyInAnyOrder(
            fresh.stream().map(AuthMsg::getMessageId).toArray(Object[]::new));
    // one look-up of the bindings a platform, one insert of the users, one of their bindings
    assertThat(sql).filteredOn(q -> q.startsWith("INSERT INTO `user` ")).hasSize(1);
    assertThat(sql).filteredOn(q -> q.startsWith("INSERT INTO user_third_auth ")).hasSize(1);
    assertThat(sql).filteredOn(q -> q.contains(" FROM user_third_auth WHERE platform")).hasSize(2);
  }

  @Test
  void aRegisterOfAnAccountRegisteredEarlierInTheBatchIsANoopOfThatUser() throws Exception {
    String openId = Msgs.openId();
    AuthMsg first = Msgs.register("wechat", openId);
    AuthMsg otherCase = Msgs.register("wechat", openId.toUpperCase());
    AuthMsg second = Msgs.register("wechat", openId);

    Exchange result = new Batch().add(0, first).add(0, otherCase).add(0, second).send();

    assertThat(result.getException()).isNull();
    long userId = db.userOf("wechat", openId).orElseThrow();
    assertThat(db.outcome(first.getMessageId())).contains("APPLIED");
    assertThat(db.outcome(second.getMessageId())).contains("NOOP");
    assertThat(db.ledgerUser(second.getMessageId())).isEqualTo(userId);
    assertThat(db.outcome(otherCase.getMessageId())).contains("APPLIED");
    assertThat(db.userOf("wechat", openId.toUpperCase())).get().isNotEqualTo(userId);
    assertThat(userTopic.getReceivedExchanges())
        .extracting(e -> e.getMessage().getHeader("source-message-id"))
        .containsExactly(first.getMessageId(), otherCase.getMessageId());
    assertThat(dlq.getReceivedExchanges()).isEmpty();
    verify(stats, never()).retried(anyString());
  }

  @Test
  void aRegisterWhoseAccountAnotherConsumerBindsMeanwhileIsANoopOfThatUserAndTheOthersAreApplied()
      throws Exception {
    AuthMsg msg = Msgs.register("wechat", Msgs.openId());
    AuthMsg other = Msgs.register("wechat", Msgs.openId());
    long[] theirUser = new long[1];

    // another consumer's REGISTER of the same account: its binding is written, not committed, when
    // the batch looks the account up, and commits while the batch's binding waits for it
    Exchange result =
        whileAnotherTransactionHoldsItsLocks(
            () -> {
              theirUser[0] = users.save(UserRow.newActive("theirs", "")).id();
              bindings.save(
                  UserThirdAuthRow.newBinding(theirUser[0], "wechat", msg.getOpenId(), ""));
            },
            new Batch().add(0, other).add(0, msg)::send);

    assertThat(result.getException()).isNull();
    assertThat(db.outcome(msg.getMessageId())).contains("NOOP");
    assertThat(db.ledgerUser(msg.getMessageId())).isEqualTo(theirUser[0]);
    assertThat(db.userOf("wechat", msg.getOpenId())).contains(theirUser[0]);
    assertThat(db.outcome(other.getMessageId())).contains("APPLIED");
    assertThat(userTopic.getReceivedExchanges())
        .extracting(e -> e.getMessage().getHeader("source-message-id"))
        .containsExactly(other.getMessageId());
    assertThat(dlq.getReceivedExchanges()).isEmpty();
    verify(stats, never()).retried(anyString());
  }

  @Test
  void aRecordAnotherConsumerClaimsMeanwhileIsADuplicateAndTheOthersAreApplied() throws Exception {
    AuthMsg msg = Msgs.register("wechat", Msgs.openId());
    AuthMsg other = Msgs.register("wechat", Msgs.openId());

    // another consumer's transaction: it has claimed the message when the batch looks it up, and
    // commits while the batch's claim waits for it
    Exchange result =
        whileAnotherTransactionHoldsItsLocks(
            () -> {
              ledger.claim(msg.getMessageId(), "REGISTER", 0);
              ledger.markAsProcessed(msg.getMessageId(), "NOOP", 0);
            },
            new Batch().add(0, other).add(0, msg)::send);

    assertThat(result.getException()).isNull();
    assertThat(db.outcome(msg.getMessageId())).contains("NOOP");
    assertThat(db.userOf("wechat", msg.getOpenId())).isEmpty();
    assertThat(db.outcome(other.getMessageId())).contains("APPLIED");
    assertThat(userTopic.getReceivedExchanges())
        .extracting(e -> e.getMessage().getHeader("event-id"))
        .containsExactly(other.getMessageId() + ":user.count");
    assertThat(dlq.getReceivedExchanges()).isEmpty();
    verify(stats, never()).retried(anyString());
  }

  @Test
  void duplicatesAreSkippedByRedisAndAfterRedisLostThemByTheLedgerWhichSendsPendingEvents()
      throws Exception {
    AuthMsg msg = Msgs.register("wechat", Msgs.openId());
    new Batch().add(0, msg).send();
    long userId = db.userOf("wechat", msg.getOpenId()).orElseThrow();
    MockEndpoint.resetMocks(camel);
    userTopic.expectedMessageCount(0);

    Exchange again = new Batch().add(0, msg).send();

    assertThat(again.getException()).isNull();
    userTopic.assertIsSatisfied();
    assertThat(db.ledgerRows(msg.getMessageId())).isEqualTo(1);

    // Redis forgot it, and the event was never marked sent: the ledger knows the message, and
    // its pending event goes out again under the same event id
    redis.delete("user:msg:processed:" + msg.getMessageId());
    jdbc.sql("UPDATE outbox SET sent_at = NULL WHERE source_message_id = ?")
        .param(msg.getMessageId())
        .update();
    MockEndpoint.resetMocks(camel);
    userTopic.expectedMessageCount(1);

    Exchange lost = new Batch().add(0, msg).send();

    assertThat(lost.getException()).isNull();
    userTopic.assertIsSatisfied();
    assertThat(userTopic.getReceivedExchanges().get(0).getMessage().getHeader("event-id"))
        .isEqualTo(msg.getMessageId() + ":user.count");
    assertThat(db.ledgerRows(msg.getMessageId())).isEqualTo(1);
    assertThat(db.userOf("wechat", msg.getOpenId())).contains(userId);
    assertThat(redis.hasKey("user:msg:processed:" + msg.getMessageId())).isTrue();
  }

  @Test
  void aDependencyDownFailsTheWholeBatchWhichCommitsNoOffsetAndIsDoneWhenReadAgain()
      throws Exception {
    long userId = registered();
    doThrow(new DependencyUnavailableException("authz down", null))
        .when(authz)
        .checkPermission(userId, "user.third_auth.bind");
    AuthMsg one = Msgs.register("wechat", Msgs.openId());
    AuthMsg bind = Msgs.bind(userId, "apple", Msgs.openId());
    Batch batch = new Batch().add(0, one).add(0, bind);
    pause.expectedMessageCount(1);

    Exchange result = batch.send();

    assertThat(result.getException()).isInstanceOf(DependencyUnavailableException.class);
    pause.assertIsSatisfied();
    assertThat(dlq.getReceivedExchanges()).isEmpty();
    batch.commits.forEach(c -> verify(c, never()).commit());
    assertThat(redis.hasKey("user:msg:processed:" + one.getMessageId())).isFalse();
    assertThat(db.ledgerRows(bind.getMessageId())).isZero();

    // authz is back; the consumer reads the batch again: both are applied once, the grant goes
    awaitAuthzDelivery();
    doReturn(true).when(authz).checkPermission(userId, "user.third_auth.bind");
    Batch again = new Batch().add(0, one).add(0, bind);
    Exchange retried = again.send();

    assertThat(retried.getException()).isNull();
    assertThat(db.ledgerRows(one.getMessageId())).isEqualTo(1);
    assertThat(db.outcome(bind.getMessageId())).contains("APPLIED");
    assertThat(db.userOf("apple", bind.getOpenId())).contains(userId);
    long registeredUser = db.userOf("wechat", one.getOpenId()).orElseThrow();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> pendingAuthzCommands(registeredUser).isEmpty());
    verify(authz, atLeastOnce()).grantRole(registeredUser, "member");
    verify(again.commits.get(1)).commit();
  }

  @Test
  void aBatchRetriedAfterATransientFailureDoesNotDeadLetterItsBadRecordsAgain() throws Exception {
    long userId = registered();
    org.mockito.Mockito.when(authz.checkPermission(userId, "user.third_auth.bind"))
        .thenThrow(new DependencyUnavailableException("authz down", null))
        .thenReturn(true);
    byte[] garbage = {(byte) 0xff, 0x01, 0x02};
    AuthMsg bind = Msgs.bind(userId, "apple", Msgs.openId());
    Batch batch = new Batch().add(0, garbage).add(0, bind);

    Exchange result = batch.send();

    assertThat(result.getException()).isNull();
    assertThat(db.outcome(bind.getMessageId())).contains("APPLIED");
    assertThat(dlq.getReceivedExchanges())
        .extracting(e -> e.getMessage().getBody(byte[].class))
        .containsExactly(garbage);
  }

  private long registered() throws Exception {
    AuthMsg msg = Msgs.register("wechat", Msgs.openId());
    Exchange result = new Batch().add(0, msg).send();
    assertThat(result.getException()).isNull();
    awaitAuthzDelivery();
    long userId = db.userOf("wechat", msg.getOpenId()).orElseThrow();
    MockEndpoint.resetMocks(camel);
    return userId;
  }

  private int unsentEventsOf(List<AuthMsg> msgs) {
    return msgs.stream()
        .mapToInt(
            m ->
                jdbc.sql(
                        "SELECT COUNT(*) FROM outbox WHERE source_message_id = ? AND sent_at IS"
                            + " NULL")
                    .param(m.getMessageId())
                    .query(Integer.class)
                    .single())
        .sum();
  }
}
