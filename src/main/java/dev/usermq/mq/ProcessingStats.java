package dev.usermq.mq;

import dev.usermq.logic.AuthMsgResult;
import dev.usermq.logic.Outcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Counts what happens to auth messages, as Micrometer meters and as a running summary in the log:
 *
 * <ul>
 *   <li>{@code usermq.auth.messages} by {@code result}: applied, noop, rejected, duplicate_redis,
 *       duplicate_ledger;
 *   <li>{@code usermq.auth.dead_letters} by {@code reason}: records sent to the DLQ;
 *   <li>{@code usermq.auth.retries} by {@code kind} (transient, unexpected): in-route redeliveries;
 *   <li>{@code usermq.auth.processing} by {@code result}: a timer with a percentile histogram from
 *       the moment a record is taken off the topic to the end of its exchange; besides the results
 *       above it has dead_lettered, and failed for a record handed back to the consumer.
 * </ul>
 *
 * <p>The route steps that count an outcome also mark the exchange with it ({@link #RESULT}), so
 * that the timer, stopped when the exchange completes, is tagged with what the record came to.
 */
@Component
public class ProcessingStats {

  /** Exchange property naming what the record came to; read when the exchange completes. */
  public static final String RESULT = "usermq.result";

  /** Kinds of in-route redelivery, as in the auth-msg-errors route configuration. */
  static final String TRANSIENT = "transient";

  static final String UNEXPECTED = "unexpected";
  static final String DEAD_LETTERED = "dead_lettered";
  static final String FAILED = "failed";

  private static final Logger log = LoggerFactory.getLogger(ProcessingStats.class);

  private final MeterRegistry registry;
  private final Map<Outcome, Counter> outcomes = new EnumMap<>(Outcome.class);
  private final Counter duplicateRedis;
  private final AtomicReference<String> lastSummary = new AtomicReference<>("");
  // one timer per result, built once: registering looks a meter up by its id and tags
  private final Map<String, Timer> processing = new ConcurrentHashMap<>();

  public ProcessingStats(MeterRegistry registry) {
    this.registry = registry;
    for (Outcome outcome : Outcome.values()) {
      outcomes.put(outcome, counter(resultOf(outcome)));
    }
    this.duplicateRedis = counter("duplicate_redis");
    // present from the start, so that a rate over them is 0 rather than absent
    for (String kind : new String[] {TRANSIENT, UNEXPECTED}) {
      retries(kind);
    }
  }

  /** Counts the outcome of a processed message. */
  public void record(AuthMsgResult result, Exchange exchange) {
    outcomes.get(result.outcome()).increment();
    exchange.setProperty(RESULT, resultOf(result.outcome()));
  }

  /** Counts a duplicate stopped by Redis before touching MySQL. */
  public void duplicateOnFastPath(Exchange exchange) {
    duplicateRedis.increment();
    exchange.setProperty(RESULT, "duplicate_redis");
  }

  /** Counts a record sent to the DLQ. */
  public void deadLettered(String reason, Exchange exchange) {
    registry.counter("usermq.auth.dead_letters", "reason", String.valueOf(reason)).increment();
    exchange.setProperty(RESULT, DEAD_LETTERED);
  }

  /** Counts an in-route redelivery of a record after a failure of the given kind. */
  public void retried(String kind) {
    retries(kind).increment();
  }

  /**
   * Records how long the record of a finished exchange took, tagged with what it came to: the
   * result a route step marked, or failed for an exchange that ended with an error.
   */
  public void finished(Exchange exchange) {
    String result = exchange.getProperty(RESULT, String.class);
    if (result == null || exchange.isFailed()) {
      result = FAILED;
    }
    processing
        .computeIfAbsent(result, this::processingTimer)
        .record(exchange.getClock().elapsed(), TimeUnit.MILLISECONDS);
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

  private static String resultOf(Outcome outcome) {
    return outcome == Outcome.DUPLICATE ? "duplicate_ledger" : outcome.name().toLowerCase();
  }

  private long count(Outcome outcome) {
    return (long) outcomes.get(outcome).count();
  }

  private Timer processingTimer(String result) {
    return Timer.builder("usermq.auth.processing")
        .description("Time from taking an auth message off the topic to the end of its processing")
        .tag("result", result)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofMinutes(2))
        .register(registry);
  }

  private Counter retries(String kind) {
    return Counter.builder("usermq.auth.retries")
        .description("In-route redeliveries of auth messages by kind of failure")
        .tag("kind", kind)
        .register(registry);
  }

  private Counter counter(String result) {
    return Counter.builder("usermq.auth.messages")
        .description("Auth messages by what processing came to")
        .tag("result", result)
        .register(registry);
  }
}
