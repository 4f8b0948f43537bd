package dev.usermq.mq;

import dev.usermq.logic.EventBatch;
import dev.usermq.repository.model.OutboxModel;
import dev.usermq.repository.model.OutboxRow;
import java.time.Duration;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The publishing side of the outbox: marks published events, and finds the ones a crash or a
 * Kafka outage left behind so that the relay route publishes them again.
 */
@Component
public class OutboxRelay {

  private final OutboxModel outbox;
  private final Duration minAge;
  private final int batchSize;

  public OutboxRelay(
      OutboxModel outbox,
      @Value("${outbox.relay-min-age:60s}") Duration minAge,
      @Value("${outbox.relay-batch-size:500}") int batchSize) {
    this.outbox = outbox;
    this.minAge = minAge;
    this.batchSize = batchSize;
  }

  /** Events committed at least {@code outbox.relay-min-age} ago and still not published. */
  public EventBatch pending() {
    return new PendingEvents(outbox.findUnsentOlderThan(minAge.toSeconds(), batchSize));
  }

  /** Events found by {@link #pending()}. */
  public record PendingEvents(List<OutboxRow> events) implements EventBatch {}

  /** Marks the batch's events published. */
  public void markSent(EventBatch batch) {
    List<Long> ids = batch.events().stream().map(OutboxRow::id).toList();
    if (!ids.isEmpty()) {
      outbox.markSent(ids);
    }
  }
}
