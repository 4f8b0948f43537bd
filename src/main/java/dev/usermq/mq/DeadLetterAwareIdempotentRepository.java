package dev.usermq.mq;

import org.apache.camel.Exchange;
import org.apache.camel.component.redis.processor.idempotent.SpringRedisStringIdempotentRepository;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Processed message ids in Redis ({@code SET key NX EX ttl}), as Camel's idempotent consumer writes
 * them when a record is done. A record that ended in the DLQ is done too, but it was not processed:
 * its id is not written, so that a redriven copy is processed instead of skipped.
 */
public class DeadLetterAwareIdempotentRepository extends SpringRedisStringIdempotentRepository {

  /** Exchange property the dead-letter route sets. */
  public static final String DEAD_LETTERED = "usermq.deadLettered";

  public DeadLetterAwareIdempotentRepository(StringRedisTemplate redis, String keySpace) {
    super(redis, keySpace);
  }

  @Override
  public boolean add(Exchange exchange, String key) {
    if (exchange.getProperty(DEAD_LETTERED, false, Boolean.class)) {
      return false;
    }
    return add(key);
  }
}
