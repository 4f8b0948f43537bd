package dev.usermq.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.usermq.embedded.AuthzStubService;
import dev.usermq.mq.MqConfiguration;
import dev.usermq.proto.common.mq.v1.AuthMsg;
import dev.usermq.support.Db;
import dev.usermq.support.EmbeddedServersIT;
import dev.usermq.support.KafkaTopics;
import dev.usermq.support.Msgs;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Batch mode against the real servers: the batch route takes the place of the per-record route in
 * the shared service (same group, same topic) for this class, as {@code consumer.batch.enabled}
 * would at start, and is swapped back at the end.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BatchModeIT extends EmbeddedServersIT {

  private static final Duration WAIT = Duration.ofSeconds(60);

  @Autowired JdbcClient jdbc;
  @Autowired MeterRegistry meters;
  @Autowired AuthzStubService authzStub;
  @Autowired CamelContext camel;

  @Value("${kafka.brokers}")
  String brokers;

  @Value("${consumer.group-id}")
  String group;

  @Value("${topics.auth}")
  String authTopic;

  private KafkaTopics kafka;
  private Db db;

  @BeforeAll
  void batchModeOn() throws Exception {
    kafka = new KafkaTopics(brokers, "user", "user.auth.dlq");
    db = new Db(jdbc);
    camel.getRouteController().stopRoute(MqConfiguration.PER_RECORD_ROUTE);
    camel.getRouteController().startRoute(MqConfiguration.BATCH_ROUTE);
  }

  @AfterAll
  void batchModeOff() throws Exception {
    camel.getRouteController().stopRoute(MqConfiguration.BATCH_ROUTE);
    camel.getRouteController().startRoute(MqConfiguration.PER_RECORD_ROUTE);
    kafka.close();
  }

  @Test
  void batchesAreAppliedWithTheirEventsAndGrantsPoisonAloneInTheDlqAndOffsetsCommittedToTheEnd()
      throws Exception {
    assertThat(camel.getRouteController().getRouteStatus(MqConfiguration.BATCH_ROUTE))
        .isEqualTo(ServiceStatus.Started);
    List<AuthMsg> msgs = new ArrayList<>();
    byte[] poison = ("poison " + Msgs.id()).getBytes(UTF_8);
    AuthMsg invalid = Msgs.register("wechat", Msgs.openId()).toBuilder().setMessageId("").build();
    for (int i = 0; i < 60; i++) {
      AuthMsg msg = Msgs.register("wechat", Msgs.openId());
      msgs.add(msg);
      kafka.send(new ProducerRecord<>(authTopic, i % 2, null, msg.toByteArray()));
      if (i == 20) {
        kafka.send(new ProducerRecord<>(authTopic, 0, null, poison));
      }
      if (i == 41) {
        kafka.send(new ProducerRecord<>(authTopic, 1, null, invalid.toByteArray()));
      }
    }

    await().atMost(WAIT).until(() -> applied(msgs) == msgs.size());
    for (AuthMsg msg : msgs) {
      assertThat(db.ledgerRows(msg.getMessageId())).isEqualTo(1);
      long userId = db.userOf("wechat", msg.getOpenId()).orElseThrow();
      await().atMost(WAIT).until(() -> authzStub.rolesOf(userId).contains("member"));
    }
    List<ConsumerRecord<byte[], byte[]>> events =
        kafka.await(r -> r.topic().equals("user") && isFrom(r, msgs), msgs.size(), WAIT);
    assertThat(events).hasSize(msgs.size());
    assertThat(kafka.await(r -> isDeadLetter(r, poison), 1, WAIT)).hasSize(1);
    assertThat(kafka.await(r -> isDeadLetter(r, invalid.toByteArray()), 1, WAIT))
        .singleElement()
        .satisfies(r -> assertThat(header(r, "dlq-reason")).isEqualTo("VALIDATION_ERROR"));
    await().atMost(WAIT).until(this::committedToTheEnd);

    // the same records again: every one a duplicate stopped by Redis, nothing new anywhere
    double duplicatesBefore = counter("duplicate_redis");
    for (AuthMsg msg : msgs) {
      kafka.send(new ProducerRecord<>(authTopic, 0, null, msg.toByteArray()));
    }
    await().atMost(WAIT).until(() -> counter("duplicate_redis") - duplicatesBefore >= msgs.size());
    await().atMost(WAIT).until(this::committedToTheEnd);
    for (AuthMsg msg : msgs) {
      assertThat(db.ledgerRows(msg.getMessageId())).isEqualTo(1);
    }
    assertThat(kafka.matching(r -> r.topic().equals("user") && isFrom(r, msgs)))
        .hasSize(msgs.size());
  }

  private long applied(List<AuthMsg> msgs) {
    return msgs.stream().filter(m -> db.outcome(m.getMessageId()).isPresent()).count();
  }

  private boolean committedToTheEnd() throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers))) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      Map<TopicPartition, OffsetSpec> latest =
          committed.keySet().stream()
              .filter(tp -> tp.topic().equals(authTopic))
              .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
      Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
          admin.listOffsets(latest).all().get();
      return !ends.isEmpty()
          && ends.entrySet().stream()
              .allMatch(e -> committed.get(e.getKey()).offset() == e.getValue().offset());
    }
  }

  private double counter(String result) {
    return meters.get("usermq.auth.messages").tag("result", result).counter().count();
  }

  private static boolean isFrom(ConsumerRecord<byte[], byte[]> record, List<AuthMsg> msgs) {
    String source = header(record, "source-message-id");
    return source != null && msgs.stream().anyMatch(m -> m.getMessageId().equals(source));
  }

  private static boolean isDeadLetter(ConsumerRecord<byte[], byte[]> record, byte[] value) {
    return record.topic().equals("user.auth.dlq") && Arrays.equals(record.value(), value);
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    var header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), UTF_8);
  }
}
