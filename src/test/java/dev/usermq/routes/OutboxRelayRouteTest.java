package dev.usermq.routes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usermq.proto.common.mq.v1.UserCountReq;
import dev.usermq.repository.model.OutboxModel;
import dev.usermq.repository.model.OutboxRow;
import dev.usermq.support.Msgs;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.verify;

/**
 * The timer routes with their timers replaced: the outbox relay republishes events that a crash
 * left unsent, and the stats route logs the running counts.
 */
class OutboxRelayRouteTest extends RouteTestBase {

  @Autowired OutboxModel outbox;
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
    assertThat(jdbc.sql("SELECT sent_at IS NOT NULL FROM outbox WHERE id = ?").param(row.id()).query(Boolean.class).single())
        .isTrue();
    assertThat(userTopic.getReceivedExchanges())
        .anySatisfy(e -> assertThat(e.getMessage().getBody(byte[].class)).isEqualTo(payload));

    MockEndpoint.resetMocks(camel);
    userTopic.expectedMessagesMatches(
        e -> !(source + ":user.count").equals(e.getMessage().getHeader("event-id")));
    producer.sendBody("direct:relay-tick", null);
    userTopic.assertIsSatisfied();
  }

  @Test
  void statsRouteLogsTheRunningCounts() {
    producer.sendBody("direct:stats-tick", null);

    verify(stats, atLeastOnce()).logIfChanged();
  }
}
