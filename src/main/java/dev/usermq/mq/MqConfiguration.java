package dev.usermq.mq;

import dev.usermq.config.ConsumerProperties;
import dev.usermq.config.IdempotencyProperties;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.component.sql.RowMapperFactory;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.spi.ComponentCustomizer;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.ColumnMapRowMapper;
import org.springframework.jdbc.core.DataClassRowMapper;
import org.springframework.jdbc.core.RowMapper;

/** Beans of the Camel side that are built rather than scanned. */
@Configuration(proxyBeanMethods = false)
public class MqConfiguration {

  /** The route that consumes auth records one at a time. */
  public static final String PER_RECORD_ROUTE = "auth-msg-consumer";

  /** The route that consumes auth records in batches. */
  public static final String BATCH_ROUTE = "auth-msg-batch-consumer";

  /**
   * Processed message ids, for the routes' idempotent consumer. The string variant sets each key
   * with SET NX EX, so every key expires; the set-based one would grow forever and its clear()
   * flushes the database.
   */
  @Bean
  public DeadLetterAwareIdempotentRepository msgIdempotencyRepository(
      StringRedisTemplate redis, IdempotencyProperties properties) {
    DeadLetterAwareIdempotentRepository repository =
        new DeadLetterAwareIdempotentRepository(redis, properties.keySpace());
    repository.setExpiry(properties.ttl().toSeconds());
    return repository;
  }

  /**
   * The Kafka clients find the repository in their configuration: the per-record auth route's
   * consumer runs {@link ProcessedIdsPrefetch} with it after each poll.
   */
  @Bean
  public ComponentCustomizer kafkaProcessedIds(DeadLetterAwareIdempotentRepository repository) {
    return ComponentCustomizer.builder(KafkaComponent.class)
        .build(
            kafka ->
                kafka
                    .getConfiguration()
                    .getAdditionalProperties()
                    .put(ProcessedIdsPrefetch.REPOSITORY, repository));
  }

  /**
   * Starts one of the two auth routes: the batch route when {@code consumer.batch.enabled}, the
   * per-record route otherwise, neither when {@code consumer.enabled} is false. A route that does
   * not run is loaded (and validated) but not started, through Camel's auto-startup exclude
   * pattern, added to any that {@code camel.main.auto-startup-exclude-pattern} sets; its route and
   * consumer health checks, which would say DOWN for a route that is not started, are left out of
   * readiness in the same way.
   */
  @Bean
  public CamelContextConfiguration authConsumerMode(ConsumerProperties consumer) {
    List<String> idle =
        !consumer.enabled()
            ? List.of(PER_RECORD_ROUTE, BATCH_ROUTE)
            : List.of(consumer.batch().enabled() ? PER_RECORD_ROUTE : BATCH_ROUTE);
    return new CamelContextConfiguration() {
      @Override
      public void beforeApplicationStart(CamelContext camel) {
        camel.setAutoStartupExcludePattern(
            with(camel.getAutoStartupExcludePattern(), String.join(",", idle)));
        HealthCheckRegistry health = HealthCheckRegistry.get(camel);
        if (health != null) {
          for (String route : idle) {
            health.setExcludePattern(
                with(health.getExcludePattern(), "route:" + route + ",consumer:" + route));
          }
        }
      }

      @Override
      public void afterApplicationStart(CamelContext camel) {
        // nothing to do
      }
    };
  }

  /** A comma-separated pattern with one more. */
  private static String with(String configured, String more) {
    return configured == null || configured.isBlank() ? more : configured + "," + more;
  }

  /**
   * Rows of a SQL consumer as the model's records ({@code outputClass} and {@code
   * rowMapperFactory=#recordRows} on the endpoint): mapped through the record's constructor, column
   * {@code event_id} to component {@code eventId}. Camel's default bean mapper calls setters, which
   * records do not have.
   */
  @Bean
  public RowMapperFactory recordRows() {
    return new RowMapperFactory() {
      @Override
      public RowMapper<?> newColumnRowMapper() {
        return new ColumnMapRowMapper();
      }

      @Override
      public RowMapper<?> newBeanRowMapper(Class<?> mappedClass) {
        return new DataClassRowMapper<>(mappedClass);
      }
    };
  }
}
