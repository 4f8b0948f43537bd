package dev.usermq.config;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The Redis fast path of de-duplication ({@code IDEMPOTENCY_TTL}, {@code IDEMPOTENCY_PREFIX}); the
 * lasting record of a processed message is its row in the MySQL {@code auth_msg} ledger.
 *
 * @param ttl how long Redis remembers a processed message id; the MySQL ledger covers the time
 *     after
 * @param prefix service prefix of the Redis keys: {@code <prefix>:msg:processed:<message_id>} and
 *     the user cache's
 */
@Validated
@ConfigurationProperties("idempotency")
public record IdempotencyProperties(
    @DefaultValue("24h") @NotNull @DurationMin(millis = 1) Duration ttl,
    @DefaultValue("user") @NotBlank String prefix) {

  /** The Redis key space of processed message ids, without the trailing colon. */
  public String keySpace() {
    return prefix + ":msg:processed";
  }
}
