package dev.usermq.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.usermq.embedded.AuthzStubService;
import dev.usermq.mq.DeliveryMarks;
import dev.usermq.proto.common.mq.v1.UserCountReq;
import dev.usermq.support.EmbeddedServersIT;
import dev.usermq.support.KafkaTopics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.apache.camel.CamelContext;
import org.apache.camel.support.ScheduledPollConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The outbox relay on the real servers: a pass of each relay route, as its scheduler runs it (every
 * {@code outbox.relay-interval}, an hour in the tests, so that no pass runs in the middle of
 * another test), publishes to Kafka and marks sent what is older than {@code outbox.relay-min-age}
 * (a minute), and delivers the authz commands left pending.
 */
class OutboxRelayIT extends EmbeddedServersIT {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @Autowired JdbcClient jdbc;
  @Autowired MeterRegistry meters;
  @Autowired CamelContext camel;
  @Autowired AuthzStubService authzStub;
  @Autowired DeliveryMarks deliveryMarks;

  @Value("${kafka.brokers}")
  String brokers;

  private final String prefix = "relay-" + UUID.randomUUID().toString().substring(0, 8) + "-";
  private KafkaTopics kafka;

  @BeforeEach
  void connect() {
    kafka = new KafkaTopics(brokers, "user");
  }

  @AfterEach
  void cleanUp() {
    kafka.close();
    // no row of this test is left for another test's relay pass
    jdbc.sql("DELETE FROM outbox WHERE event_id LIKE ?").param(prefix + "%").update();
  }

  @Test
  void anUnpublishableEventIsSkippedWhileTheOtherOldEventsArePublishedAndMarkedSent() {
    // a topic name Kafka refuses (~ is not allowed in one): that send fails however often it is
    // tried; the row is older, so the pass takes it first
    long unpublishable = event("unpublishable", "user~refused", "NOW(3) - INTERVAL 2 MINUTE");
    long old1 = event("old-1", "user", "NOW(3) - INTERVAL 2 MINUTE");
    long old2 = event("old-2", "user", "NOW(3) - INTERVAL 90 SECOND");
    // committed just now: its own record is still delivering it
    long young = event("young", "user", "NOW(3)");
    double failures = failures();

    pass("outbox-relay-events");

    List<ConsumerRecord<byte[], byte[]>> published =
        kafka.await(r -> header(r, "event-id").startsWith(prefix), 2, WAIT);
    assertThat(published)
        .extracting(r -> header(r, "event-id"))
        .containsExactlyInAnyOrder(prefix + "old-1:user.count", prefix + "old-2:user.count");
    assertThat(published)
        .allSatisfy(
            r -> {
              assertThat(new String(r.key(), UTF_8)).isEqualTo("77");
              assertThat(UserCountReq.parseFrom(r.value()).getUserId()).isEqualTo(77);
              assertThat(header(r, "event-type")).isEqualTo("user.count");
            });
    assertThat(sent(old1)).isTrue();
    assertThat(sent(old2)).isTrue();
    assertThat(sent(unpublishable)).isFalse();
    assertThat(relayFailures(unpublishable)).isEqualTo(1);
    assertThat(sent(young)).isFalse();
    assertThat(relayFailures(young)).isZero();
    assertThat(failures()).isEqualTo(failures + 1);
  }

  @Test
  void aGrantLeftPendingIsDeliveredByTheRelay() {
    long userId = 800_000_000L + new Random().nextInt(1_000_000);
    jdbc.sql(
            "INSERT INTO authz_command (command_id, command, user_id, role, source_message_id,"
                + " created_at) VALUES (?, 'GRANT_ROLE', ?, 'member', ?, NOW(3) - INTERVAL 2"
                + " MINUTE)")
        .params(prefix + "grant", userId, prefix + "grant")
        .update();

    pass("outbox-relay-authz");

    await().atMost(WAIT).until(() -> authzStub.rolesOf(userId).contains("member"));
    // marked done behind the delivery, by the delivery marks' next write: written now
    deliveryMarks.flush();
    assertThat(
            jdbc.sql("SELECT done_at IS NOT NULL FROM authz_command WHERE command_id = ?")
                .param(prefix + "grant")
                .query(Boolean.class)
                .single())
        .isTrue();
  }

  /** One pass of a relay route, as its consumer's scheduler runs it. */
  private void pass(String routeId) {
    ((ScheduledPollConsumer) camel.getRoute(routeId).getConsumer()).run();
  }

  /** An unsent user.count event on the topic, committed at the given time; its id. */
  private long event(String name, String topic, String createdAt) {
    String eventId = prefix + name + ":user.count";
    jdbc.sql(
            "INSERT INTO outbox (event_id, event_type, topic, record_key, payload,"
                + " source_message_id, created_at) VALUES (?, 'user.count', ?, '77', ?, ?, "
                + createdAt
                + ")")
        .params(
            eventId,
            topic,
            UserCountReq.newBuilder().setUserId(77).build().toByteArray(),
            prefix + name)
        .update();
    return jdbc.sql("SELECT id FROM outbox WHERE event_id = ?")
        .param(eventId)
        .query(Long.class)
        .single();
  }

  private boolean sent(long id) {
    return jdbc.sql("SELECT sent_at IS NOT NULL FROM outbox WHERE id = ?")
        .param(id)
        .query(Boolean.class)
        .single();
  }

  private int relayFailures(long id) {
    return jdbc.sql("SELECT relay_failures FROM outbox WHERE id = ?")
        .param(id)
        .query(Integer.class)
        .single();
  }

  private double failures() {
    return meters.counter("usermq.outbox.failures", "type", "event", "path", "relay").count();
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? "" : new String(header.value(), UTF_8);
  }
}
