package dev.usermq.mq;

import dev.usermq.config.IdempotencyProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;

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
}
