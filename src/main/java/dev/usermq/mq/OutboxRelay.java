package dev.usermq.mq;

import dev.usermq.config.OutboxProperties;
import dev.usermq.repository.model.OutboxRow;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Collection;
import org.apache.camel.Exchange;
import org.apache.camel.util.TimeUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The delivering side of the outbox: marks events published in-line, gives the relay routes the
 * parameters of their queries, and decides what a failed delivery means.
 *
 * <p>Every event and every user's commands succeed or fail on their own; each failure is counted in
 * {@code usermq.outbox.failures} (by {@code type}: event, authz; and {@code path}: inline, relay)
 * and logged with the row's id. The relay routes themselves (routes/outbound-events.camel.yaml)
 * take the rows that failed least first, so rows that keep failing never hold up the others.
 */
@Component
public class OutboxRelay {

  /** Exchange property set by the relay routes: the failure of a relayed row. */
  public static final String RELAY = "usermqRelay";

  /** The exchange variable the in-line route keeps the event being sent in. */
  public static final String EVENT_VARIABLE = "event";

  static final String INTERVAL_PROPERTY = "outbox.relay-interval";

  private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

  private final DeliveryMarks marks;
  private final FailureClassifier classifier;
  private final MeterRegistry meters;
  private final Duration minAge;
  private final int batchSize;

  public OutboxRelay(
      DeliveryMarks marks,
      FailureClassifier classifier,
      MeterRegistry meters,
      OutboxProperties properties,
      Environment environment) {
    checkSchedulerReads(environment.getProperty(INTERVAL_PROPERTY), properties.relayInterval());
    this.marks = marks;
    this.classifier = classifier;
    this.meters = meters;
    this.minAge = properties.relayMinAge();
    this.batchSize = properties.relayBatchSize();
    for (String type : new String[] {"event", "authz"}) {
      for (String path : new String[] {"inline", "relay"}) {
        failures(type, path);
      }
    }
  }

  /**
   * The relay routes' consumers read {@code outbox.relay-interval} themselves, as their {@code
   * delay}, in Camel's syntax ({@code 30s}, {@code 5m}, {@code 1h}, or milliseconds); a value that
   * Spring reads but Camel does not ({@code PT30S}, {@code 30S}) would become a delay of 0: a query
   * without a pause. The start stops instead.
   */
  static void checkSchedulerReads(String value, Duration bound) {
    if (value == null) {
      return;
    }
    long millis;
    try {
      millis = TimeUtils.toMilliSeconds(value);
    } catch (IllegalArgumentException e) {
      millis = -1;
    }
    if (millis != bound.toMillis()) {
      throw new IllegalStateException(
          INTERVAL_PROPERTY
              + "="
              + value
              + " is not in the form the relay routes' scheduler reads: write it as a number and"
              + " a unit among d, h, m, s, ms (e.g. 30s, 5m, 1h), or as milliseconds");
    }
  }

  /** {@code outbox.relay-min-age} in seconds: the relay takes rows older than that. */
  public long minAgeSeconds() {
    return minAge.toSeconds();
  }

  /** {@code outbox.relay-batch-size}: the rows each relay query takes. */
  public int batchSize() {
    return batchSize;
  }

  /** Marks an event published in-line (written with the next {@link DeliveryMarks} flush). */
  public void markSent(OutboxRow event) {
    marks.eventSent(event.id());
  }

  /**
   * {@link #markSent} of the event the in-line route keeps in its variable ({@value
   * #EVENT_VARIABLE}) while the body is the send's result. The route passes the exchange, which
   * Camel binds by type: a parameter expression would be evaluated again for every event.
   */
  public void markEventSent(Exchange exchange) {
    markSent(exchange.getVariable(EVENT_VARIABLE, OutboxRow.class));
  }

  /**
   * An event's send failed.
   *
   * @param id the outbox row's id
   * @param eventId the event's {@code event-id}
   * @see #failed(String, String, Exception, Exchange)
   */
  public void eventFailed(long id, String eventId, Exception failure, Exchange exchange)
      throws Exception {
    failed("event", "outbox id " + id + " (" + eventId + ")", failure, exchange);
  }

  /**
   * The delivery of a user's authz commands failed.
   *
   * @param userId the user
   * @param commandId the id of the authz_command row the delivery started from
   * @see #failed(String, String, Exception, Exchange)
   */
  public void authzFailed(long userId, long commandId, Exception failure, Exchange exchange)
      throws Exception {
    failed("authz", "of user " + userId + " from authz_command id " + commandId, failure, exchange);
  }

  /**
   * In-line side effects of several records failed (a batch's events or authz commands).
   *
   * @param type {@code event} or {@code authz}
   * @param rows which rows, for the log
   * @see #failed(String, String, Exception, Exchange)
   */
  public void inlineFailed(String type, String rows, Exception failure, Exchange exchange)
      throws Exception {
    failed(type, rows, failure, exchange);
  }

  /**
   * The background delivery of users' authz commands failed ({@link AuthzDeliveryQueue}); it is
   * counted and logged.
   *
   * @param users the users the delivery was for
   * @return whether the failure is transient (authz down or slow): then the delivery is tried again
   *     after a pause; any other failure leaves the commands to the relay
   */
  boolean queuedAuthzFailed(Collection<Long> users, RuntimeException failure) {
    failures("authz", "inline").increment();
    boolean isTransient = classifier.isTransient(failure);
    String which = "of users " + clip(users);
    if (isTransient) {
      log.warn(
          "authz commands {} not delivered, tried again after a pause: {}",
          which,
          failure.toString());
    } else {
      log.error("authz commands {} not delivered, left for the relay", which, failure);
    }
    return isTransient;
  }

  /** The first ids of many, for a log line. */
  private static String clip(Collection<Long> ids) {
    return ids.size() <= 20
        ? ids.toString()
        : ids.stream().limit(20).toList() + " and " + (ids.size() - 20) + " more";
  }

  /**
   * A delivery failed; it is counted and logged. In-line, a transient failure (Kafka or authz down)
   * fails the record, which is retried and, once the dependency is back, finds its side effects
   * pending; any other failure is left to the relay, since the record's work is committed and must
   * not be dead-lettered. In the relay, the failure fails the row's exchange, so that the row is
   * not marked delivered and goes behind the others, and the relay goes on with the next row.
   */
  private void failed(String type, String row, Exception failure, Exchange exchange)
      throws Exception {
    boolean relay = exchange.getProperty(RELAY, false, Boolean.class);
    failures(type, relay ? "relay" : "inline").increment();
    boolean isTransient = classifier.isTransient(failure);
    if (!relay && isTransient) {
      throw failure;
    }
    if (isTransient) {
      log.warn("{} {} not delivered, left for the relay: {}", type, row, failure.toString());
    } else {
      log.error("{} {} not delivered, left for the relay", type, row, failure);
    }
    if (relay) {
      throw failure;
    }
  }

  private Counter failures(String type, String path) {
    return meters.counter("usermq.outbox.failures", "type", type, "path", path);
  }
}
