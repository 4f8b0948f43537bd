package dev.usermq.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import dev.usermq.proto.common.mq.v1.UserCountReq;
import dev.usermq.repository.model.AuthzCommandModel;
import dev.usermq.repository.model.AuthzCommandRow;
import dev.usermq.repository.rpc.AuthzCallException;
import dev.usermq.support.Msgs;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.support.ScheduledPollConsumer;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The outbox relay's routes: their SQL consumers are the real ones, on the embedded database, run
 * one pass at a time by the test; events go to {@code mock:topic-<topic>} and authz is a Mockito
 * mock. Each pass takes two rows here ({@code outbox.relay-batch-size}). Also the stats route, with
 * its timer replaced.
 */
class OutboxRelayRouteTest extends RouteTestBase {

  private static final String EVENTS = "outbox-relay-events";
  private static final String AUTHZ = "outbox-relay-authz";

  @Autowired AuthzCommandModel commands;
  @Autowired MeterRegistry meters;

  private MockEndpoint userTopic;

  /**
   * The relay takes whatever is pending in the database, and route tests of other classes leave
   * pending rows behind (sends that failed on purpose): each test here starts without any.
   */
  @BeforeEach
  void nothingPending() {
    userTopic = mock("mock:topic-user");
    jdbc.sql("UPDATE outbox SET sent_at = NOW(3) WHERE sent_at IS NULL").update();
    jdbc.sql("UPDATE authz_command SET done_at = NOW(3) WHERE done_at IS NULL").update();
  }

  @Test
  void relayPublishesAnEventLeftUnsentAndMarksItSentOnlyAfterTheSend() throws Exception {
    byte[] payload = UserCountReq.newBuilder().setUserId(77).build().toByteArray();
    String source = Msgs.id();
    long row = event("user", source, payload);
    List<Boolean> sentWhenSending = new CopyOnWriteArrayList<>();
    userTopic.whenAnyExchangeReceived(e -> sentWhenSending.add(sent(row)));

    poll(EVENTS);

    assertThat(userTopic.getReceivedExchanges()).hasSize(1);
    var message = userTopic.getReceivedExchanges().get(0).getMessage();
    assertThat(message.getBody(byte[].class)).isEqualTo(payload);
    assertThat(message.getHeader("event-id")).isEqualTo(source + ":user.count");
    assertThat(message.getHeader("event-type")).isEqualTo("user.count");
    assertThat(message.getHeader("source-message-id")).isEqualTo(source);
    assertThat(message.getHeader("kafka.KEY")).isEqualTo("77");
    assertThat(sentWhenSending).as("marked sent while it was being sent").containsExactly(false);
    assertThat(sent(row)).isTrue();

    MockEndpoint.resetMocks(camel);
    poll(EVENTS);
    assertThat(userTopic.getReceivedExchanges()).as("sent again").isEmpty();
  }

  @Test
  void anEventThatCannotBePublishedIsNotMarkedAndTheNextRowOfThePassIsPublished() {
    byte[] payload = UserCountReq.newBuilder().setUserId(78).build().toByteArray();
    // the older row's topic cannot be written; the younger one's can
    long stuck = event("unwritable", Msgs.id(), payload);
    long fine = event("user", Msgs.id(), payload);
    refuseTopic("unwritable");
    double failures = failures("event");

    poll(EVENTS);

    assertThat(sent(stuck)).isFalse();
    assertThat(relayFailures("outbox", stuck)).isEqualTo(1);
    assertThat(sent(fine)).isTrue();
    assertThat(relayFailures("outbox", fine)).isZero();
    assertThat(userTopic.getReceivedExchanges()).hasSize(1);
    assertThat(failures("event")).isEqualTo(failures + 1);
  }

  @Test
  void eventsThatKeepFailingGoBehindTheOthersSoTheyHoldUpNone() {
    byte[] payload = UserCountReq.newBuilder().setUserId(79).build().toByteArray();
    // as many failing rows as a pass takes, all older than the one that can be sent
    long stuck1 = event("unwritable", Msgs.id(), payload);
    long stuck2 = event("unwritable", Msgs.id(), payload);
    long fine = event("user", Msgs.id(), payload);
    refuseTopic("unwritable");

    poll(EVENTS);
    assertThat(sent(fine)).as("in the first pass, which takes the two oldest").isFalse();
    poll(EVENTS);

    assertThat(sent(fine)).isTrue();
    assertThat(sent(stuck1)).isFalse();
    assertThat(sent(stuck2)).isFalse();
    // the second pass took the fine row and one of the failed ones, tried again
    assertThat(relayFailures("outbox", stuck1) + relayFailures("outbox", stuck2)).isEqualTo(3);
  }

  @Test
  void theRelayDeliversAuthzCommandsLeftPendingAndOneUsersFailureHoldsUpNoOther() {
    long stuckUser = someUser();
    long fineUser = stuckUser + 1;
    long stuckCommand = command(AuthzCommandRow.grantRole(Msgs.id(), stuckUser, "member"));
    command(AuthzCommandRow.grantRole(Msgs.id(), fineUser, "member"));
    command(AuthzCommandRow.revokeRoles(Msgs.id(), fineUser));
    doThrow(new AuthzCallException("refused", null)).when(authz).grantRole(stuckUser, "member");
    double failures = failures("authz");

    poll(AUTHZ);

    InOrder inOrder = inOrder(authz);
    inOrder.verify(authz).grantRole(fineUser, "member");
    inOrder.verify(authz).revokeRoles(fineUser);
    assertThat(pending(fineUser)).isZero();
    assertThat(pending(stuckUser)).isEqualTo(1);
    assertThat(relayFailures("authz_command", stuckCommand)).isEqualTo(1);
    assertThat(failures("authz")).isEqualTo(failures + 1);
  }

  @Test
  void usersWhoseCommandsKeepFailingGoBehindTheOthers() {
    long stuck1 = someUser();
    long stuck2 = stuck1 + 1;
    long fine = stuck1 + 2;
    command(AuthzCommandRow.grantRole(Msgs.id(), stuck1, "member"));
    command(AuthzCommandRow.grantRole(Msgs.id(), stuck2, "member"));
    command(AuthzCommandRow.grantRole(Msgs.id(), fine, "member"));
    doThrow(new AuthzCallException("refused", null)).when(authz).grantRole(stuck1, "member");
    doThrow(new AuthzCallException("refused", null)).when(authz).grantRole(stuck2, "member");

    poll(AUTHZ);
    verify(authz, never()).grantRole(fine, "member");
    poll(AUTHZ);

    verify(authz).grantRole(fine, "member");
    assertThat(pending(fine)).isZero();
    assertThat(pending(stuck1) + pending(stuck2)).isEqualTo(2);
  }

  @Test
  void statsRouteLogsTheRunningCounts() {
    producer.sendBody("direct:stats-tick", null);

    verify(stats, atLeastOnce()).logIfChanged();
  }

  /** One pass of a relay route, as its consumer's scheduler runs it. */
  private void poll(String routeId) {
    ((ScheduledPollConsumer) camel.getRoute(routeId).getConsumer()).run();
  }

  private void refuseTopic(String topic) {
    mock("mock:topic-" + topic)
        .whenAnyExchangeReceived(
            e -> {
              throw new TopicAuthorizationException("not allowed");
            });
  }

  /** An unsent user.count event committed a minute ago; its id. */
  private long event(String topic, String sourceMessageId, byte[] payload) {
    jdbc.sql(
            "INSERT INTO outbox (event_id, event_type, topic, record_key, payload,"
                + " source_message_id, created_at) VALUES (?, 'user.count', ?, '77', ?, ?,"
                + " NOW(3) - INTERVAL 1 MINUTE)")
        .params(sourceMessageId + ":user.count", topic, payload, sourceMessageId)
        .update();
    return jdbc.sql("SELECT id FROM outbox WHERE event_id = ?")
        .param(sourceMessageId + ":user.count")
        .query(Long.class)
        .single();
  }

  /** The command, committed a minute ago; its id. */
  private long command(AuthzCommandRow command) {
    long id = commands.save(command).id();
    jdbc.sql("UPDATE authz_command SET created_at = NOW(3) - INTERVAL 1 MINUTE WHERE id = ?")
        .param(id)
        .update();
    return id;
  }

  private static long someUser() {
    return 900_000_000L + new Random().nextInt(1_000_000) * 10L;
  }

  private boolean sent(long row) {
    return jdbc.sql("SELECT sent_at IS NOT NULL FROM outbox WHERE id = ?")
        .param(row)
        .query(Boolean.class)
        .single();
  }

  private int relayFailures(String table, long row) {
    return jdbc.sql("SELECT relay_failures FROM " + table + " WHERE id = ?")
        .param(row)
        .query(Integer.class)
        .single();
  }

  @Autowired dev.usermq.mq.DeliveryMarks deliveryMarks;

  private int pending(long userId) {
    deliveryMarks.flush();
    return jdbc.sql("SELECT COUNT(*) FROM authz_command WHERE user_id = ? AND done_at IS NULL")
        .param(userId)
        .query(Integer.class)
        .single();
  }

  private double failures(String type) {
    return meters.counter("usermq.outbox.failures", "type", type, "path", "relay").count();
  }
}
