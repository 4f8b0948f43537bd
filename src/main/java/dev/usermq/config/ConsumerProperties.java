package dev.usermq.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The Kafka consumer of the auth route ({@code CONSUMER_*}), read by the route's endpoint through
 * its {@code {{consumer.*}}} placeholders, and the pausing of it while a dependency is down.
 *
 * @param groupId Kafka consumer group
 * @param concurrency Kafka consumer threads of the auth route; at most the partition count is
 *     useful
 * @param maxPollRecords records per poll
 * @param pause pausing consumption while a dependency is down
 */
@Validated
@ConfigurationProperties("consumer")
public record ConsumerProperties(
    @DefaultValue("user-mq") @NotBlank String groupId,
    @DefaultValue("4") @Min(1) int concurrency,
    @DefaultValue("100") @Min(1) int maxPollRecords,
    @DefaultValue @NotNull @Valid Pause pause) {

  /**
   * A record that failed transiently after its retries stops the consumer route until these health
   * checks are UP (and the one of the dependency that failed): checked after {@code
   * check-interval}, then at doubling intervals up to {@code max-check-interval}, since each
   * restart is a rebalance of the group.
   *
   * @param enabled pause consumption while a dependency is down; false keeps consuming (and
   *     failing) through an outage
   * @param dependencies health contributors that must be UP to resume (and the one of the
   *     dependency that failed)
   * @param checkInterval first check of a paused consumer; each later one comes after twice the
   *     interval before
   * @param maxCheckInterval longest interval between checks
   */
  public record Pause(
      @DefaultValue("true") boolean enabled,
      @DefaultValue({"db", "redis", "authz", "kafka"}) @NotNull List<@NotBlank String> dependencies,
      @DefaultValue("5s") @NotNull @DurationMin(millis = 1) Duration checkInterval,
      @DefaultValue("60s") @NotNull @DurationMin(millis = 1) Duration maxCheckInterval) {}
}
