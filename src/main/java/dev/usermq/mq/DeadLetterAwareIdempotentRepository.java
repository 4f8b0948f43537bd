package dev.usermq.mq;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.component.redis.processor.idempotent.SpringRedisStringIdempotentRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.RedisOperations;
import org.springframework.data.redis.core.SessionCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.ValueOperations;

/**
 * Processed message ids in Redis ({@code SET key NX EX ttl}), as Camel's idempotent consumer writes
 * them when a record is done. A record that ended in the DLQ is done too, but it was not processed:
 * its id is not written, so that a redriven copy is processed instead of skipped. A duplicate's key
 * is not written again.
 */
public class DeadLetterAwareIdempotentRepository extends SpringRedisStringIdempotentRepository {

  /** Exchange property the dead-letter route sets. */
  public static final String DEAD_LETTERED = "usermq.deadLettered";

  private static final Logger LOG =
      LoggerFactory.getLogger(DeadLetterAwareIdempotentRepository.class);

  private final StringRedisTemplate redis;
  private final ThreadLocal<Set<String>> processedAtPoll = ThreadLocal.withInitial(Set::of);

  public DeadLetterAwareIdempotentRepository(StringRedisTemplate redis, String keySpace) {
    super(redis, keySpace);
    this.redis = redis;
  }

  /**
   * Remembers, for the records the calling consumer thread polled, which of their ids the store
   * contains, with one MGET ({@link ProcessedIdsPrefetch}): {@link #contains(Exchange, String)} on
   * the same thread finds those without asking Redis again, until the next poll. Ids it did not
   * find are asked for again as usual: a copy of the same message earlier in the poll may have
   * written its key since. A failing MGET remembers nothing.
   */
  public void prefetch(List<String> ids) {
    Set<String> present = Set.of();
    if (!ids.isEmpty()) {
      try {
        present = containsAny(ids);
      } catch (RuntimeException redisDown) {
        LOG.debug("no processed ids prefetched: {}", redisDown.toString());
      }
    }
    processedAtPoll.set(present);
  }

  /**
   * Whether the key's message was processed: known from the poll's {@link #prefetch} on this
   * thread, or else asked of Redis.
   */
  @Override
  public boolean contains(Exchange exchange, String key) {
    return processedAtPoll.get().contains(key) || contains(key);
  }

  /** Those of the keys the store contains: one MGET for a batch's records. */
  public Set<String> containsAny(List<String> keys) {
    if (keys.isEmpty()) {
      return Set.of();
    }
    List<String> values =
        redis.opsForValue().multiGet(keys.stream().map(this::createRedisKey).toList());
    Set<String> present = new HashSet<>();
    for (int i = 0; i < keys.size(); i++) {
      if (values != null && values.get(i) != null) {
        present.add(keys.get(i));
      }
    }
    return present;
  }

  /**
   * Adds the keys as {@link #add(String)} does, each with SET NX EX, pipelined: one round trip for
   * a batch's records.
   */
  public void addAll(Collection<String> keys) {
    if (keys.isEmpty()) {
      return;
    }
    Duration ttl = Duration.ofSeconds(getExpiry());
    redis.executePipelined(
        new SessionCallback<Object>() {
          @Override
          @SuppressWarnings("unchecked")
          public <K, V> Object execute(RedisOperations<K, V> operations) {
            ValueOperations<String, String> values =
                ((RedisOperations<String, String>) operations).opsForValue();
            for (String key : keys) {
              if (ttl.isZero()) {
                values.setIfAbsent(createRedisKey(key), key);
              } else {
                values.setIfAbsent(createRedisKey(key), key, ttl);
              }
            }
            return null;
          }
        });
  }

  /**
   * Called by the idempotent consumer when a record is done. Writes nothing for a record that was
   * dead-lettered, nor for a duplicate: its key was there when it was read (the consumer hands on a
   * duplicate, {@code skipDuplicate: false}, and would otherwise write its key a second time, a
   * Redis round trip a duplicate).
   */
  @Override
  public boolean add(Exchange exchange, String key) {
    if (exchange.getProperty(DEAD_LETTERED, false, Boolean.class)
        || exchange.getProperty(Exchange.DUPLICATE_MESSAGE, false, Boolean.class)) {
      return false;
    }
    return add(key);
  }
}
