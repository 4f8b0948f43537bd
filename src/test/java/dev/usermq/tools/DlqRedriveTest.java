package dev.usermq.tools;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.ConfigurableEnvironment;

class DlqRedriveTest {

  private static final String JAAS =
      "org.apache.kafka.common.security.scram.ScramLoginModule required"
          + " username=\"user-mq\" password=\"pw\";";

  @Test
  void withoutAChoiceOfRecordsItRefusesToRunAndSaysHow() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    int code =
        DlqRedrive.run(
            new String[] {"--kafka.brokers=127.0.0.1:9"}, new PrintStream(out, true, UTF_8));

    assertThat(code).isEqualTo(2);
    assertThat(out.toString(UTF_8))
        .contains("choose what to redrive")
        .contains("usage: redrive-dlq");
  }

  @Test
  void helpSaysDeliveryIsAtLeastOnceAndWhyADuplicateIsHarmless() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    int code = DlqRedrive.run(new String[] {"--help"}, new PrintStream(out, true, UTF_8));

    assertThat(code).isZero();
    assertThat(out.toString(UTF_8))
        .contains("usage: redrive-dlq")
        .contains("at least once, not exactly once")
        .contains("de-duplicates by message_id")
        .contains("--dry-run")
        .contains("redriven-from");
  }

  @Test
  void selectsByMessageIdOrOffsetRangeAndPassesConfigurationOn() {
    List<String> configuration = new ArrayList<>();
    DlqRedrive.Selection selection =
        DlqRedrive.Selection.parse(
            new String[] {
              "--message-id=a,b", "--offsets=2:10-20", "--topics.dlq=x.dlq", "--dry-run"
            },
            configuration);

    assertThat(configuration).containsExactly("--topics.dlq=x.dlq");
    assertThat(selection.dryRun()).isTrue();
    assertThat(selection.matches(0, 5, Optional.of("b"))).isTrue();
    assertThat(selection.matches(2, 15, Optional.empty())).isTrue();
    assertThat(selection.matches(2, 21, Optional.of("c"))).isFalse();
    assertThat(selection.matches(1, 15, Optional.empty())).isFalse();
  }

  @Test
  void itsKafkaClientsTakeTheServicesSecuritySettingsAsTheChartPassesThem() {
    // the environment the chart gives the service's pod with kafka.securityProtocol=SASL_SSL,
    // a SASL secret and a truststore secret
    Map<String, Object> pod =
        Map.of(
            "KAFKA_BROKERS", "kafka-0.kafka:9093",
            "CAMEL_COMPONENT_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
            "CAMEL_COMPONENT_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
            "CAMEL_COMPONENT_KAFKA_SASL_JAAS_CONFIG", JAAS,
            "CAMEL_COMPONENT_KAFKA_SSL_TRUSTSTORE_LOCATION",
                "/etc/user-mq/kafka-tls/truststore.p12",
            "CAMEL_COMPONENT_KAFKA_SSL_TRUSTSTORE_TYPE", "PKCS12",
            "CAMEL_COMPONENT_KAFKA_SSL_TRUSTSTORE_PASSWORD", "s3cret");
    ConfigurableEnvironment env =
        ToolEnvironment.load(
            pod,
            "--camel.component.kafka.additional-properties[client.dns.lookup]=use_all_dns_ips");

    Properties consumer = DlqRedrive.consumerProperties(env);
    Properties producer = DlqRedrive.producerProperties(env);

    for (Properties client : List.of(consumer, producer)) {
      assertThat(client)
          .containsEntry("bootstrap.servers", "kafka-0.kafka:9093")
          .containsEntry("security.protocol", "SASL_SSL")
          .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
          .containsEntry("sasl.jaas.config", JAAS)
          .containsEntry("ssl.truststore.location", "/etc/user-mq/kafka-tls/truststore.p12")
          .containsEntry("ssl.truststore.type", "PKCS12")
          .containsEntry("ssl.truststore.password", "s3cret")
          .containsEntry("client.dns.lookup", "use_all_dns_ips");
    }
    // what the redrive needs whatever the service's settings: it commits nothing, reads only
    // committed records, and a replay is acknowledged by every in-sync replica, once
    assertThat(consumer)
        .containsEntry("enable.auto.commit", "false")
        .containsEntry("isolation.level", "read_committed")
        .doesNotContainKey("group.id");
    assertThat(producer).containsEntry("acks", "all").containsEntry("enable.idempotence", "true");
  }

  @Test
  void allMatchesEveryRecordButOnlyIdsAndOffsetsChooseOneExplicitly() {
    DlqRedrive.Selection selection =
        DlqRedrive.Selection.parse(
            new String[] {"--all", "--message-id=a", "--offsets=0:3-4"}, new ArrayList<>());

    assertThat(selection.matches(1, 9, Optional.of("b"))).isTrue();
    assertThat(selection.explicitly(1, 9, Optional.of("b"))).isFalse();
    assertThat(selection.explicitly(1, 9, Optional.of("a"))).isTrue();
    assertThat(selection.explicitly(0, 4, Optional.empty())).isTrue();
  }

  @Test
  void malformedOffsetRangesAreRefusedWithTheExpectedForm() {
    assertThatThrownBy(
            () -> DlqRedrive.Selection.parse(new String[] {"--offsets=0:9-3"}, new ArrayList<>()))
        .hasMessageContaining("FROM is after TO");
    assertThatThrownBy(
            () -> DlqRedrive.Selection.parse(new String[] {"--offsets=zero"}, new ArrayList<>()))
        .hasMessageContaining("PARTITION:FROM-TO");
  }
}
