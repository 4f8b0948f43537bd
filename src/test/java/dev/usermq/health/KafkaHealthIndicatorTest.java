package dev.usermq.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;
import java.util.Properties;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Health;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/** The Kafka health indicator against a real broker, and against a port where none listens. */
class KafkaHealthIndicatorTest {

  private final DefaultCamelContext camel = new DefaultCamelContext();
  private final KafkaComponent kafka = new KafkaComponent();
  private EmbeddedKafkaKraftBroker broker;

  KafkaHealthIndicatorTest() {
    camel.addComponent("kafka", kafka);
  }

  @AfterEach
  void stop() throws IOException {
    camel.close();
    if (broker != null) {
      broker.destroy();
    }
  }

  @Test
  void aBrokerThatAnswersIsUp() {
    broker = new EmbeddedKafkaKraftBroker(1, 1);
    broker.afterPropertiesSet();
    kafka.getConfiguration().setBrokers(broker.getBrokersAsString());

    Health health = new KafkaHealthIndicator(camel).health();

    assertThat(health.getStatus().getCode()).isEqualTo("UP");
    assertThat(health.getDetails()).containsKey("nodes");
  }

  @Test
  void noBrokerIsDown() throws IOException {
    kafka.getConfiguration().setBrokers("127.0.0.1:" + closedPort());

    Health health = new KafkaHealthIndicator(camel).health();

    assertThat(health.getStatus().getCode()).isEqualTo("DOWN");
    assertThat(health.getDetails()).containsKey("error");
  }

  /** Against SASL_SSL, brokers alone cannot connect: the check uses the service's own settings. */
  @Test
  void theCheckConnectsWithTheSettingsOfTheKafkaComponent() {
    kafka.getConfiguration().setBrokers("kafka-0:9093,kafka-1:9093");
    kafka.getConfiguration().setSecurityProtocol("SASL_SSL");
    kafka.getConfiguration().setSaslMechanism("SCRAM-SHA-512");
    kafka.getConfiguration().setSaslJaasConfig("ScramLoginModule required;");
    kafka.getConfiguration().setSslTruststoreLocation("/etc/user-mq/kafka-tls/truststore.p12");
    kafka
        .getConfiguration()
        .setAdditionalProperties(
            Map.of(
                "client.dns.lookup", "use_all_dns_ips",
                "metric.reporters", "dev.usermq.mq.ConsumerLagReporter"));

    Properties admin = new KafkaHealthIndicator(camel).adminProperties();

    assertThat(admin)
        .containsEntry("bootstrap.servers", "kafka-0:9093,kafka-1:9093")
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry("sasl.jaas.config", "ScramLoginModule required;")
        .containsEntry("ssl.truststore.location", "/etc/user-mq/kafka-tls/truststore.p12")
        .containsEntry("client.dns.lookup", "use_all_dns_ips")
        // consumer settings and reporters an admin client has no use for are left out
        .doesNotContainKey("metric.reporters")
        .doesNotContainKey("value.deserializer")
        .doesNotContainKey("max.poll.records");
  }

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
