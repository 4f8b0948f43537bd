package dev.usermq.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.usermq.proto.common.mq.v1.AuthMsg;
import dev.usermq.support.EmbeddedServersIT;
import dev.usermq.support.KafkaTopics;
import dev.usermq.support.Msgs;
import dev.usermq.tools.DlqRedrive;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
 * {@code redrive-dlq} against the embedded broker and MariaDB. Each test has a DLQ topic and a
 * source topic of its own, which the service does not consume: what the redrive sends is read back
 * as it is, and the service's DLQ is left alone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DlqRedriveIT extends EmbeddedServersIT {

  @Autowired JdbcClient jdbc;

  @Value("${kafka.brokers}")
  String brokers;

  @Value("${spring.datasource.url}")
  String databaseUrl;

  private Admin admin;
  private final List<KafkaTopics> readers = new ArrayList<>();

  @BeforeAll
  void connect() {
    admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers));
  }

  @AfterAll
  void disconnect() {
    readers.forEach(KafkaTopics::close);
    admin.close();
  }

  @Test
  void dryRunChangesNoSchemaAndReportsWhatItWouldDo() {
    Topics t = topics();
    AuthMsg msg = Msgs.register("wechat", Msgs.openId());
    t.dlq.send(deadLetter(t, msg, 3));
    t.dlq.send(deadLetter(t, msg, 3));
    // a database that no redrive has used yet: no dlq_redrive table, no Flyway history
    String schema = "redrive_dry_" + UUID.randomUUID().toString().substring(0, 8);
    jdbc.sql("CREATE DATABASE " + schema).update();
    String url = databaseUrl.substring(0, databaseUrl.lastIndexOf('/') + 1) + schema;

    Run run = redrive(t, "--all", "--dry-run", "--spring.datasource.url=" + url);

    assertThat(tablesOf(schema)).as("tables of %s after a dry run", schema).isEmpty();
    assertThat(run.code).as(run.report).isZero();
    assertThat(run.report)
        .contains("would redrive " + t.dlqName + "/0@0")
        .contains("copy of " + t.sourceName + "/0@3")
        .contains("1 would be redriven (dry run)")
        .contains("schema migration(s) pending, not applied")
        .contains("no dlq_redrive table yet");
    assertThat(t.source.matching(r -> true)).isEmpty();
  }

  @Test
  void copiesOfARedrivenDeadLetterAreNeverRedrivenAgain() {
    Topics t = topics();
    AuthMsg poison = Msgs.register("wechat", Msgs.openId());
    AuthMsg other = Msgs.register("apple", Msgs.openId());
    // a crash after the DLQ send and before the offset commit: copies with the same source
    t.dlq.send(deadLetter(t, poison, 7));
    t.dlq.send(deadLetter(t, poison, 7));
    t.dlq.send(deadLetter(t, other, 8));
    t.dlq.send(deadLetter(t, poison, 7));

    Run first = redrive(t, "--all");

    assertThat(first.code).as(first.report).isZero();
    assertThat(first.report)
        .contains("redriven " + t.dlqName + "/0@0")
        .contains("already redriven " + t.dlqName + "/0@1")
        .contains("copy of " + t.sourceName + "/0@7")
        .contains("redriven " + t.dlqName + "/0@2")
        .contains("already redriven " + t.dlqName + "/0@3")
        .contains("2 redriven");
    assertThat(t.source.await(valueOf(poison).or(valueOf(other)), 2, WAIT)).hasSize(2);

    // another copy arrives later; every run after that replays nothing
    t.dlq.send(deadLetter(t, poison, 7));
    Run again = redrive(t, "--all");

    assertThat(again.code).as(again.report).isZero();
    assertThat(again.report)
        .contains("already redriven " + t.dlqName + "/0@4")
        .contains("0 redriven");
    Run byId = redrive(t, "--message-id=" + poison.getMessageId());
    assertThat(byId.report).contains("0 redriven");
    assertThat(t.source.matching(valueOf(poison))).hasSize(1);
    assertThat(t.source.matching(valueOf(other))).hasSize(1);
  }

  @Test
  void aDeadLetterThatCameBackAfterARedriveIsLeftByAllAndTakenByItsMessageId() {
    Topics t = topics();
    AuthMsg msg = Msgs.register("wechat", Msgs.openId());
    // its replay failed again: dead-lettered from the replay's own position, marked redriven-from
    ProducerRecord<byte[], byte[]> back = deadLetter(t, msg, 42);
    back.headers().add("redriven-from", "user.auth.dlq/0@5".getBytes(UTF_8));
    t.dlq.send(back);

    Run all = redrive(t, "--all");

    assertThat(all.code).as(all.report).isZero();
    assertThat(all.report)
        .contains("skipped " + t.dlqName + "/0@0")
        .contains("came back after a redrive from user.auth.dlq/0@5")
        .contains("0 redriven");
    assertThat(t.source.matching(valueOf(msg))).isEmpty();

    Run chosen = redrive(t, "--message-id=" + msg.getMessageId());

    assertThat(chosen.code).as(chosen.report).isZero();
    assertThat(chosen.report).contains("redriven " + t.dlqName + "/0@0").contains("1 redriven");
    assertThat(t.source.await(valueOf(msg), 1, WAIT)).hasSize(1);
  }

  @Test
  void offsetsBelowTheLogStartAreRefusedNamingThePartitionAndItsLogStart() throws Exception {
    Topics t = topics();
    for (int i = 0; i < 3; i++) {
      t.dlq.send(deadLetter(t, Msgs.register("wechat", Msgs.openId()), i));
    }
    // retention removed the first two
    admin
        .deleteRecords(Map.of(new TopicPartition(t.dlqName, 0), RecordsToDelete.beforeOffset(2)))
        .all()
        .get();

    Run run = redrive(t, "--offsets=0:0-2");

    assertThat(run.code).as(run.report).isEqualTo(2);
    assertThat(run.report)
        .contains("--offsets=0:0-2")
        .contains(t.dlqName + " partition 0")
        .contains("log-start offset 2");
    assertThat(t.source.matching(r -> true)).isEmpty();

    Run fromLogStart = redrive(t, "--offsets=0:2-2");
    assertThat(fromLogStart.code).as(fromLogStart.report).isZero();
    assertThat(fromLogStart.report).contains("1 redriven");
  }

  private static final Duration WAIT = Duration.ofSeconds(30);

  /** A DLQ topic and a source topic of the test's own, and readers of both. */
  private record Topics(String dlqName, String sourceName, KafkaTopics dlq, KafkaTopics source) {}

  private record Run(int code, String report) {}

  private Topics topics() {
    String id = UUID.randomUUID().toString().substring(0, 8);
    String dlq = "redrive-it." + id + ".dlq";
    String source = "redrive-it." + id;
    try {
      admin
          .createTopics(
              List.of(new NewTopic(dlq, 1, (short) 1), new NewTopic(source, 1, (short) 1)))
          .all()
          .get();
    } catch (Exception e) {
      throw new IllegalStateException("could not create the test's topics", e);
    }
    KafkaTopics dlqTopic = new KafkaTopics(brokers, dlq);
    KafkaTopics sourceTopic = new KafkaTopics(brokers, source);
    readers.add(dlqTopic);
    readers.add(sourceTopic);
    return new Topics(dlq, source, dlqTopic, sourceTopic);
  }

  /** A dead letter as the auth route writes it, as if it came from the source at that offset. */
  private static ProducerRecord<byte[], byte[]> deadLetter(Topics t, AuthMsg msg, long offset) {
    ProducerRecord<byte[], byte[]> r =
        new ProducerRecord<>(t.dlqName, msg.getOpenId().getBytes(UTF_8), msg.toByteArray());
    r.headers()
        .add("dlq-reason", "RETRIES_EXHAUSTED".getBytes(UTF_8))
        .add("dlq-source-topic", t.sourceName.getBytes(UTF_8))
        .add("dlq-source-partition", "0".getBytes(UTF_8))
        .add("dlq-source-offset", Long.toString(offset).getBytes(UTF_8));
    return r;
  }

  private Run redrive(Topics t, String... selection) {
    List<String> args = new ArrayList<>(Arrays.asList(selection));
    args.add("--topics.dlq=" + t.dlqName);
    args.add("--kafka.brokers=" + brokers);
    if (args.stream().noneMatch(a -> a.startsWith("--spring.datasource.url="))) {
      args.add("--spring.datasource.url=" + databaseUrl);
    }
    args.add("--spring.datasource.username=root");
    ByteArrayOutputStream report = new ByteArrayOutputStream();
    int code = DlqRedrive.run(args.toArray(String[]::new), new PrintStream(report, true, UTF_8));
    return new Run(code, report.toString(UTF_8));
  }

  private List<String> tablesOf(String schema) {
    return jdbc.sql("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?")
        .param(schema)
        .query(String.class)
        .list();
  }

  private static Predicate<ConsumerRecord<byte[], byte[]>> valueOf(AuthMsg msg) {
    return r -> Arrays.equals(r.value(), msg.toByteArray());
  }
}
