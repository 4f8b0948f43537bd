package dev.usermq.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.bind.Name;
import org.springframework.boot.convert.DurationUnit;
import org.springframework.validation.annotation.Validated;

/**
 * In-route retries of the auth route ({@code RETRY_TRANSIENT_REDELIVERIES}, {@code
 * RETRY_TRANSIENT_INITIAL_DELAY}, {@code RETRY_TRANSIENT_MAX_DELAY}, {@code
 * RETRY_UNEXPECTED_REDELIVERIES}, {@code RETRY_UNEXPECTED_DELAY}), the redelivery policies that the
 * {@code auth-msg-errors} route configuration names. A delay without a unit is in milliseconds.
 *
 * @param transientFaults {@code retry.transient}: a dependency down or slow
 * @param unexpected {@code retry.unexpected}: any other failure
 */
@ConfigurationProperties("retry")
@Validated
public record RetryProperties(
    @Name("transient") @DefaultValue @Valid @NotNull Transient transientFaults,
    @DefaultValue @Valid @NotNull Unexpected unexpected) {

  /**
   * A dependency down or slow: in-route retries with exponential backoff (each delay twice the one
   * before), after which the consumer resumes from the committed offset and the record is tried
   * again, for as long as it takes.
   *
   * @param redeliveries in-route retries of a transient fault before the consumer takes over
   * @param initialDelay the delay before the first retry
   * @param maxDelay the longest delay between two retries
   */
  public record Transient(
      @DefaultValue("5") @PositiveOrZero int redeliveries,
      @DefaultValue("200") @DurationUnit(ChronoUnit.MILLIS) @NotNull Duration initialDelay,
      @DefaultValue("5000") @DurationUnit(ChronoUnit.MILLIS) @NotNull Duration maxDelay) {

    /** Checked at start: the backoff starts above zero and does not shrink. */
    @AssertTrue(message = "needs 0 < initial-delay <= max-delay")
    public boolean isBackoffIncreasing() {
      return initialDelay == null
          || maxDelay == null
          || (!initialDelay.isNegative()
              && !initialDelay.isZero()
              && initialDelay.compareTo(maxDelay) <= 0);
    }
  }

  /**
   * Any other failure: a few retries in case it was a race, then the DLQ as {@code
   * RETRIES_EXHAUSTED}.
   *
   * @param redeliveries retries before the DLQ
   * @param delay the fixed delay between two retries
   */
  public record Unexpected(
      @DefaultValue("3") @PositiveOrZero int redeliveries,
      @DefaultValue("500") @DurationUnit(ChronoUnit.MILLIS) @NotNull Duration delay) {

    /** Checked at start: a delay cannot be negative. */
    @AssertTrue(message = "needs delay >= 0")
    public boolean isDelayNotNegative() {
      return delay == null || !delay.isNegative();
    }
  }
}
