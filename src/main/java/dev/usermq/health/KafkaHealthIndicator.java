package dev.usermq.health;

import java.time.Duration;
import java.util.Collection;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.camel.CamelContext;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Health of the Kafka cluster ({@code kafka} in /actuator/health): asks the brokers to describe the
 * cluster, with a short timeout. A consumer paused during a Kafka outage resumes only once this is
 * up, instead of joining the group again, and making every pod rebalance, at each check.
 *
 * <p>Camel's own Kafka checks cannot tell this: a stopped route has no consumer to report, and the
 * producers' check only looks at connections they happen to hold. So each check opens an admin
 * client of its own, with the same connection and security settings as the service's Kafka
 * component ({@code camel.component.kafka.*}), and closes it again: checks are rare (probes, a
 * paused consumer), and a fresh client never keeps a stale view of the brokers.
 */
@Component("kafkaHealthIndicator")
public class KafkaHealthIndicator implements HealthIndicator {

  /** Below the probes' timeout (3 s in the chart). */
  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  private final CamelContext camel;

  public KafkaHealthIndicator(CamelContext camel) {
    this.camel = camel;
  }

  @Override
  public Health health() {
    Admin admin = null;
    try {
      admin = Admin.create(adminProperties());
      Collection<Node> nodes =
          admin
              .describeCluster(new DescribeClusterOptions().timeoutMs((int) TIMEOUT.toMillis()))
              .nodes()
              // the call's own timeout ends it first; this only bounds the wait
              .get(TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
      return (nodes.isEmpty() ? Health.down() : Health.up())
          .withDetail("nodes", nodes.size())
          .build();
    } catch (ExecutionException e) {
      return Health.down().withDetail("error", String.valueOf(e.getCause())).build();
    } catch (TimeoutException | RuntimeException e) {
      return Health.down().withDetail("error", e.toString()).build();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Health.down().withDetail("error", e.toString()).build();
    } finally {
      if (admin != null) {
        admin.close(Duration.ZERO);
      }
    }
  }

  /**
   * The admin client's settings: the brokers, security (SASL, TLS) and additional properties of the
   * Kafka component, without the consumer settings and metric reporters an admin client has no use
   * for.
   */
  Properties adminProperties() {
    KafkaConfiguration kafka = camel.getComponent("kafka", KafkaComponent.class).getConfiguration();
    Properties component = kafka.createConsumerProperties();
    Properties admin = new Properties();
    for (String name : AdminClientConfig.configNames()) {
      // the consumers' reporters (the lag meter) have nothing to report of an admin client
      if (component.get(name) != null
          && !name.equals(AdminClientConfig.METRIC_REPORTER_CLASSES_CONFIG)) {
        admin.put(name, component.get(name));
      }
    }
    if (kafka.getBrokers() != null) {
      admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBrokers());
    }
    admin.put(AdminClientConfig.CLIENT_ID_CONFIG, "user-mq-health");
    admin.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
    admin.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
    return admin;
  }
}
