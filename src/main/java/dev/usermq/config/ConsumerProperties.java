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
 * @param enabled consume the auth topic; false leaves both auth routes stopped: a release of the
 *     service that serves the gRPC reads only (its outbox relay and retention still run)
 * @param groupId Kafka consumer group
 * @param concurrency Kafka consumer threads of the auth route; at most the partition count is
 *     useful
 * @param maxPollRecords records per poll
 * @param pause pausing consumption while a dependency is down
 * @param batch batch mode: a poll's records handled together
 */
@Validated
@ConfigurationProperties("consumer")
public record ConsumerProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("user-mq") @NotBlank String groupId,
    @DefaultValue("4") @Min(1) int concurrency,
    @DefaultValue("100") @Min(1) int maxPollRecords,
    @DefaultValue @NotNull @Valid Pause pause,
    @DefaultValue @NotNull @Valid Batch batch) {

  /**
   * Batch mode ({@code CONSUMER_BATCH_*}): instead of one record at a time, each consumer thread
   * takes up to {@code size} records and applies them together: one Redis look-up of their ids, one
   * ledger query, one database transaction for all their rows, their events sent together, one
   * offset commit. Every guarantee stays: a bad record goes to the DLQ alone, a record that fails
   * is retried alone and dead-lettered alone, a dependency that is down fails the whole batch,
   * which is retried and then handed back to the consumer. Off by default: a record waits for its
   * batch (at most {@code max-wait} when records are few).
   *
   * @param enabled handle records in batches (the batch route) instead of one by one
   * @param size the most records of one batch (the consumer's max.poll.records in batch mode)
   * @param maxWait how long a batch that is not full waits for more records
   */
  public record Batch(
      @DefaultValue("false") boolean enabled,
      @DefaultValue("200") @Min(1) int size,
      @DefaultValue("50ms") @NotNull @DurationMin(millis = 1) Duration maxWait) {}

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
