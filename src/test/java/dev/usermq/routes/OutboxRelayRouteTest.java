package dev.usermq.routes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usermq.App;
import dev.usermq.embedded.EmbeddedServersInitializer;
import dev.usermq.mq.ProcessingStats;
import dev.usermq.proto.common.mq.v1.UserCountReq;
import dev.usermq.repository.model.OutboxModel;
import dev.usermq.repository.model.OutboxRow;
import dev.usermq.repository.rpc.AuthzSrv;
import dev.usermq.support.Msgs;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.UseAdviceWith;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.context.bean.override.mockito.MockitoSpyBean;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.verify;

/**
 * The timer routes with their timers replaced: the outbox relay republishes events that a crash
 * left unsent, and the stats route logs the running counts. Kafka is mocked; MySQL is real.
 */
@CamelSpringBootTest
@SpringBootTest(
    classes = App.class,
    properties = {
      "kafka.brokers=127.0.0.1:9",
      "authz.target=127.0.0.1:9",
      "camel.component.kafka.lazy-start-producer=true",
      "outbox.relay-min-age=0s"
    })
@ContextConfiguration(initializers = EmbeddedServersInitializer.class)
@UseAdviceWith
class OutboxRelayRouteTest {

  @Autowired CamelContext camel;
  @Autowired ProducerTemplate producer;
  @Autowired OutboxModel outbox;
  @Autowired JdbcClient jdbc;
  @MockitoBean AuthzSrv authz;
  @MockitoSpyBean ProcessingStats stats;

  private MockEndpoint userTopic;

  @BeforeEach
  void adviseOnce() throws Exception {
    if (!camel.isStarted()) {
      AdviceWith.adviceWith(camel, "outbox-relay", a -> a.replaceFromWith("direct:relay-tick"));
      AdviceWith.adviceWith(
          camel, "processing-stats-log", a -> a.replaceFromWith("direct:stats-tick"));
      AdviceWith.adviceWith(
          camel,
          "publish-events",
          a -> a.weaveById("send-event").replace().toD("mock:topic-${variable.eventTopic}"));
      AdviceWith.adviceWith(camel, "auth-msg-consumer", a -> a.replaceFromWith("direct:auth-in"));
      camel.start();
    }
    MockEndpoint.resetMocks(camel);
    userTopic = camel.getEndpoint("mock:topic-user", MockEndpoint.class);
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
