package dev.usermq.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The Redis fast path of de-duplication ({@code IDEMPOTENCY_TTL}, {@code IDEMPOTENCY_PREFIX}).
 *
 * @param ttl how long a processed message id is remembered in Redis; the MySQL ledger covers the
 *     time after
 * @param prefix service prefix of the key {@code <prefix>:msg:processed:<message_id>}
 */
@ConfigurationProperties("idempotency")
public record IdempotencyProperties(
    @DefaultValue("24h") Duration ttl, @DefaultValue("user") String prefix) {

  /** The Redis key space of processed message ids, without the trailing colon. */
  public String keySpace() {
    return prefix + ":msg:processed";
  }
}
