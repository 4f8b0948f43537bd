package dev.usermq.mq;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.Max;
import org.junit.jupiter.api.Test;

/** The reporter against Kafka's own metrics registry, as a consumer would drive it. */
class ConsumerLagReporterTest {

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  @Test
  void theConsumersLagIsAGaugeUntilTheConsumerGoesAway() {
    ConsumerLagReporter reporter = new ConsumerLagReporter();
    reporter.configure(Map.of(ConsumerLagReporter.REGISTRY, meters));
    try (Metrics kafka = new Metrics()) {
      kafka.addReporter(reporter);
      MetricName lagMax = lagMax(kafka, Map.of("client-id", "consumer-user-mq-1"));
      Sensor lag = kafka.sensor("records-lag");
      lag.add(lagMax, new Max());
      // the per-topic figure beside it is left out
      lag.add(
          lagMax(kafka, Map.of("client-id", "consumer-user-mq-1", "topic", "user.auth")),
          new Max());

      assertThat(gauge().value()).as("nothing fetched yet").isNaN();
      lag.record(42);
      assertThat(gauge().value()).isEqualTo(42.0);
      assertThat(meters.find("usermq.kafka.consumer.lag").gauges()).hasSize(1);

      kafka.removeMetric(lagMax);
      assertThat(meters.find("usermq.kafka.consumer.lag").gauges()).isEmpty();
    }
  }

  @Test
  void withoutARegistryInTheClientConfigurationNothingIsReported() {
    ConsumerLagReporter reporter = new ConsumerLagReporter();
    reporter.configure(Map.of());
    try (Metrics kafka = new Metrics()) {
      kafka.addReporter(reporter);
      kafka.sensor("records-lag").add(lagMax(kafka, Map.of("client-id", "c")), new Max());
    }
    assertThat(meters.getMeters()).isEmpty();
  }

  private Gauge gauge() {
    return meters.get("usermq.kafka.consumer.lag").tag("client_id", "consumer-user-mq-1").gauge();
  }

  private static MetricName lagMax(Metrics kafka, Map<String, String> tags) {
    return kafka.metricName("records-lag-max", "consumer-fetch-manager-metrics", "", tags);
  }
}
