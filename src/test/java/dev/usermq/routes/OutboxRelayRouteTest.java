package dev.usermq.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.verify;

import dev.usermq.proto.common.mq.v1.UserCountReq;
import dev.usermq.repository.model.AuthzCommandModel;
import dev.usermq.repository.model.AuthzCommandRow;
import dev.usermq.repository.model.OutboxModel;
import dev.usermq.repository.model.OutboxRow;
import dev.usermq.support.Msgs;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The timer routes with their timers replaced: the outbox relay republishes events that a crash
 * left unsent, and the stats route logs the running counts.
 */
class OutboxRelayRouteTest extends RouteTestBase {

  @Autowired OutboxModel outbox;
  @Autowired AuthzCommandModel commands;
  @Autowired MeterRegistry meters;
  @Autowired JdbcClient jdbc;

  private MockEndpoint userTopic;

  @BeforeEach
  void endpoints() {
    userTopic = mock("mock:topic-user");
  }

  @Test
  void relayPublishesEventsLeftUnsentAndMarksThemSent() throws Exception {
    String source = Msgs.id();
    byte[] payload = UserCountReq.newBuilder().setUserId(77).build().toByteArray();
    OutboxRow row = outbox.save(OutboxRow.newEvent("user", "user.count", source, 77, payload));
    userTopic.expectedMinimumMessageCount(1);
    userTopic.expectedMessagesMatches(
        e -> (source + ":user.count").equals(e.getMessage().getHeader("event-id")));

    producer.sendBody("direct:relay-tick", null);

    userTopic.assertIsSatisfied();
    assertThat(
            jdbc.sql("SELECT sent_at IS NOT NULL FROM outbox WHERE id = ?")
                .param(row.id())
                .query(Boolean.class)
                .single())
        .isTrue();
    assertThat(userTopic.getReceivedExchanges())
        .anySatisfy(e -> assertThat(e.getMessage().getBody(byte[].class)).isEqualTo(payload));

    MockEndpoint.resetMocks(camel);
    producer.sendBody("direct:relay-tick", null);
    assertThat(userTopic.getReceivedExchanges())
        .as("sent again")
        .noneMatch(e -> (source + ":user.count").equals(e.getMessage().getHeader("event-id")));
  }

  @Test
  void anEventThatCannotBePublishedHoldsUpNoOther() throws Exception {
    byte[] payload = UserCountReq.newBuilder().setUserId(78).build().toByteArray();
    // the older row's topic cannot be written; the younger one's can
    OutboxRow stuck =
        outbox.save(OutboxRow.newEvent("unwritable", "user.count", Msgs.id(), 78, payload));
    OutboxRow fine = outbox.save(OutboxRow.newEvent("user", "user.count", Msgs.id(), 78, payload));
    mock("mock:topic-unwritable")
        .whenAnyExchangeReceived(
            e -> {
              throw new org.apache.kafka.common.errors.TopicAuthorizationException("not allowed");
            });
    double failures = failures("event");

    producer.sendBody("direct:relay-tick", null);

    assertThat(sent(fine)).isTrue();
    assertThat(sent(stuck)).isFalse();
    assertThat(userTopic.getReceivedExchanges())
        .anyMatch(e -> fine.eventId().equals(e.getMessage().getHeader("event-id")));
    assertThat(failures("event")).isGreaterThan(failures);
  }

  @Test
  void theRelayDeliversAuthzCommandsLeftPendingAndOneUsersFailureHoldsUpNoOther() {
    long stuckUser = 900_000_000L + new java.util.Random().nextInt(1_000_000);
    long fineUser = stuckUser + 1;
    commands.save(AuthzCommandRow.grantRole(Msgs.id(), stuckUser, "member"));
    commands.save(AuthzCommandRow.grantRole(Msgs.id(), fineUser, "member"));
    commands.save(AuthzCommandRow.revokeRoles(Msgs.id(), fineUser));
    org.mockito.Mockito.doThrow(new dev.usermq.repository.rpc.AuthzCallException("refused", null))
        .when(authz)
        .grantRole(stuckUser, "member");
    double failures = failures("authz");

    producer.sendBody("direct:relay-tick", null);

    org.mockito.InOrder inOrder = org.mockito.Mockito.inOrder(authz);
    inOrder.verify(authz).grantRole(fineUser, "member");
    inOrder.verify(authz).revokeRoles(fineUser);
    assertThat(pending(fineUser)).isZero();
    assertThat(pending(stuckUser)).isEqualTo(1);
    assertThat(failures("authz")).isGreaterThan(failures);
  }

  private boolean sent(OutboxRow row) {
    return jdbc.sql("SELECT sent_at IS NOT NULL FROM outbox WHERE id = ?")
        .param(row.id())
        .query(Boolean.class)
        .single();
  }

  private int pending(long userId) {
    return jdbc.sql("SELECT COUNT(*) FROM authz_command WHERE user_id = ? AND done_at IS NULL")
        .param(userId)
        .query(Integer.class)
        .single();
  }

  private double failures(String type) {
    return meters.counter("usermq.outbox.failures", "type", type, "path", "relay").count();
  }

  @Test
  void statsRouteLogsTheRunningCounts() {
    producer.sendBody("direct:stats-tick", null);

    verify(stats, atLeastOnce()).logIfChanged();
  }
}
