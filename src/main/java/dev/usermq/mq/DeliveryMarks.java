package dev.usermq.mq;

import dev.usermq.config.OutboxProperties;
import dev.usermq.repository.model.AuthzCommandModel;
import dev.usermq.repository.model.OutboxModel;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Marks delivered side effects (outbox events published, authz commands acknowledged) in the
 * database behind the records that delivered them: the ids gathered by every consumer thread are
 * written every {@code outbox.mark-interval} in one transaction, instead of one commit per record.
 *
 * <p>A mark that is not written yet only means a row still looks undelivered: the relay takes no
 * row younger than {@code outbox.relay-min-age}, far longer than the interval, and a row whose mark
 * was lost (a crash) is delivered once more, which the contract allows (events are at least once
 * with a stable {@code event-id}; authz commands are idempotent and a user's pending commands are
 * always delivered together, in order). Marks of a user's commands are queued together after their
 * delivery, so the delivered ones always form the oldest part of the user's commands. A failed
 * write keeps its ids for the next one; stopping writes what is left.
 */
@Component
public class DeliveryMarks implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(DeliveryMarks.class);

  /** Ids written per statement at most. */
  static final int CHUNK = 1_000;

  private final OutboxModel outbox;
  private final AuthzCommandModel commands;
  private final TransactionTemplate tx;
  private final long intervalMillis;
  private final Queue<Long> sentEvents = new ConcurrentLinkedQueue<>();
  private final Queue<Long> doneCommands = new ConcurrentLinkedQueue<>();
  private ScheduledExecutorService timer;

  public DeliveryMarks(
      OutboxModel outbox,
      AuthzCommandModel commands,
      PlatformTransactionManager transactions,
      OutboxProperties properties,
      MeterRegistry meters) {
    this.outbox = outbox;
    this.commands = commands;
    this.tx = new TransactionTemplate(transactions);
    this.intervalMillis = properties.markInterval().toMillis();
    Gauge.builder("usermq.outbox.marks.pending", this, m -> m.pending())
        .description("Delivered events and authz commands not yet marked so in the database")
        .register(meters);
  }

  /** An event was published. */
  public void eventSent(long outboxId) {
    sentEvents.add(outboxId);
  }

  /** Authz acknowledged these commands, a user's oldest pending ones. */
  public void commandsDone(Collection<Long> authzCommandIds) {
    doneCommands.addAll(authzCommandIds);
  }

  /** Marks not yet written. */
  public int pending() {
    return sentEvents.size() + doneCommands.size();
  }

  /**
   * Writes the marks gathered so far, in one transaction; on a failure they stay for the next time.
   * One flush at a time: when this returns, every mark gathered before the call is written (or kept
   * after a failure), also those a flush running meanwhile had taken.
   *
   * @return how many were written
   */
  public synchronized int flush() {
    int written = 0;
    while (true) {
      List<Long> events = take(sentEvents);
      List<Long> done = take(doneCommands);
      if (events.isEmpty() && done.isEmpty()) {
        return written;
      }
      try {
        tx.executeWithoutResult(
            status -> {
              if (!events.isEmpty()) {
                outbox.markSent(events);
              }
              if (!done.isEmpty()) {
                commands.markDone(done);
              }
            });
      } catch (RuntimeException e) {
        sentEvents.addAll(events);
        doneCommands.addAll(done);
        log.warn(
            "{} delivery marks not written, kept for the next attempt: {}",
            pending(),
            e.toString());
        return written;
      }
      written += events.size() + done.size();
    }
  }

  private static List<Long> take(Queue<Long> queue) {
    List<Long> ids = new ArrayList<>();
    Long id;
    while (ids.size() < CHUNK && (id = queue.poll()) != null) {
      ids.add(id);
    }
    return ids;
  }

  @Override
  public synchronized void start() {
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "delivery-marks");
              t.setDaemon(true);
              return t;
            });
    timer.scheduleWithFixedDelay(
        this::flushQuietly, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
  }

  private void flushQuietly() {
    try {
      flush();
    } catch (RuntimeException e) {
      log.warn("delivery marks not written: {}", e.toString());
    }
  }

  /** After Camel stopped (a higher phase stops first): the last records' marks are written. */
  @Override
  public void stop() {
    ScheduledExecutorService stopping;
    synchronized (this) {
      stopping = timer;
      timer = null;
    }
    if (stopping != null) {
      stopping.shutdown();
      try {
        stopping.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    flush();
  }

  @Override
  public synchronized boolean isRunning() {
    return timer != null;
  }

  /** Below Camel's phase, so that it stops after the routes that deliver. */
  @Override
  public int getPhase() {
    return 0;
  }
}
