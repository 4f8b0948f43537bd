package dev.usermq.mq;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.common.metrics.MetricsReporter;

/**
 * Publishes the lag a Kafka consumer measures itself ({@code records-lag-max}: the most records any
 * of its partitions is behind, over the last sample window) as the gauge {@code
 * usermq.kafka.consumer.lag} by {@code client_id}. Kafka creates one reporter per client ({@code
 * metric.reporters}) and tells it when the client's metrics come and go, so a consumer that Camel
 * closes or recreates takes its gauge with it. The meter registry comes in the client's
 * configuration under {@link #REGISTRY}.
 */
public class ConsumerLagReporter implements MetricsReporter {

  /** Kafka client configuration key that carries the {@link MeterRegistry}. */
  public static final String REGISTRY = "usermq.meter-registry";

  private static final String GROUP = "consumer-fetch-manager-metrics";
  private static final String NAME = "records-lag-max";

  private final Map<MetricName, Gauge> gauges = new ConcurrentHashMap<>();
  private MeterRegistry registry;

  @Override
  public void configure(Map<String, ?> configs) {
    if (configs.get(REGISTRY) instanceof MeterRegistry meters) {
      registry = meters;
    }
  }

  @Override
  public void init(List<KafkaMetric> metrics) {
    metrics.forEach(this::metricChange);
  }

  @Override
  public void metricChange(KafkaMetric metric) {
    MetricName name = metric.metricName();
    // the client's own figure, not the per-topic one beside it
    if (registry == null
        || !GROUP.equals(name.group())
        || !NAME.equals(name.name())
        || name.tags().containsKey("topic")) {
      return;
    }
    gauges.computeIfAbsent(
        name,
        n ->
            Gauge.builder("usermq.kafka.consumer.lag", metric, ConsumerLagReporter::value)
                .description(
                    "Most records any partition of the consumer is behind (records-lag-max)")
                .tag("client_id", String.valueOf(n.tags().get("client-id")))
                .strongReference(true)
                .register(registry));
  }

  @Override
  public void metricRemoval(KafkaMetric metric) {
    Gauge gauge = gauges.remove(metric.metricName());
    if (gauge != null) {
      registry.remove(gauge);
    }
  }

  @Override
  public void close() {
    gauges.values().forEach(registry::remove);
    gauges.clear();
  }

  /** No figure yet (nothing fetched in the window) reads as NaN, not as a lag of 0. */
  private static double value(KafkaMetric metric) {
    return metric.metricValue() instanceof Double lag && Double.isFinite(lag) ? lag : Double.NaN;
  }
}
