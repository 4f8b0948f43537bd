package dev.usermq.mq;

import dev.usermq.config.IdempotencyProperties;
import org.apache.camel.component.sql.RowMapperFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.ColumnMapRowMapper;
import org.springframework.jdbc.core.DataClassRowMapper;
import org.springframework.jdbc.core.RowMapper;

/** Beans of the Camel side that are built rather than scanned. */
@Configuration(proxyBeanMethods = false)
public class MqConfiguration {

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
