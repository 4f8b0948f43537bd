package dev.usermq.mq;

import dev.usermq.logic.AuthMsgResult;
import dev.usermq.logic.Outcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Counts what happens to auth messages, as Micrometer counters ({@code usermq.auth.messages} by
 * {@code result}, {@code usermq.auth.dead_letters} by {@code reason}) and as a running summary in
 * the log.
 */
@Component
public class ProcessingStats {

  private static final Logger log = LoggerFactory.getLogger(ProcessingStats.class);

  private final MeterRegistry registry;
  private final Map<Outcome, Counter> outcomes = new EnumMap<>(Outcome.class);
  private final Counter duplicateRedis;
  private final AtomicReference<String> lastSummary = new AtomicReference<>("");

  public ProcessingStats(MeterRegistry registry) {
    this.registry = registry;
    for (Outcome outcome : Outcome.values()) {
      String result =
          outcome == Outcome.DUPLICATE ? "duplicate_ledger" : outcome.name().toLowerCase();
      outcomes.put(outcome, counter(result));
    }
    this.duplicateRedis = counter("duplicate_redis");
  }

  /** Counts the outcome of a processed message. */
  public void record(AuthMsgResult result) {
    outcomes.get(result.outcome()).increment();
  }

  /** Counts a duplicate stopped by Redis before touching MySQL. */
  public void duplicateOnFastPath() {
    duplicateRedis.increment();
  }

  /** Counts a record sent to the DLQ. */
  public void deadLettered(String reason) {
    registry.counter("usermq.auth.dead_letters", "reason", String.valueOf(reason)).increment();
  }

  /** The running counts, e.g. for the log. */
  public String summary() {
    double deadLetters =
        registry.find("usermq.auth.dead_letters").counters().stream()
            .mapToDouble(Counter::count)
            .sum();
    return String.format(
        "applied=%d noop=%d rejected=%d duplicate(redis)=%d duplicate(ledger)=%d dead-lettered=%d",
        count(Outcome.APPLIED),
        count(Outcome.NOOP),
        count(Outcome.REJECTED),
        (long) duplicateRedis.count(),
        count(Outcome.DUPLICATE),
        (long) deadLetters);
  }

  /** Logs the running counts when they changed since the last call. */
  public void logIfChanged() {
    String summary = summary();
    if (!summary.equals(lastSummary.getAndSet(summary))) {
      log.info("auth messages: {}", summary);
    }
  }

  private long count(Outcome outcome) {
    return (long) outcomes.get(outcome).count();
  }

  private Counter counter(String result) {
    return Counter.builder("usermq.auth.messages")
        .description("Auth messages by what processing came to")
        .tag("result", result)
        .register(registry);
  }
}
