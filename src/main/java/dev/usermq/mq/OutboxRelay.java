package dev.usermq.mq;

import dev.usermq.config.OutboxProperties;
import dev.usermq.logic.SideEffects;
import dev.usermq.repository.model.AuthzCommandModel;
import dev.usermq.repository.model.AuthzCommandRow;
import dev.usermq.repository.model.OutboxModel;
import dev.usermq.repository.model.OutboxRow;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The delivering side of the outbox: marks published events, finds the events and authz commands
 * that a crash or an outage left behind so that the relay route delivers them again, and decides
 * what a failed delivery means.
 *
 * <p>Every event and every user's commands succeed or fail on their own. A pass of the relay goes
 * on from where the last one stopped, so rows that keep failing never hold up the others; each
 * failure is counted in {@code usermq.outbox.failures} (by {@code type}: event, authz; and {@code
 * path}: inline, relay) and logged with the row's id.
 */
@Component
public class OutboxRelay {

  /** Exchange property set by the relay route: its failures never fail the exchange. */
  public static final String RELAY = "usermqRelay";

  private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

  private final OutboxModel outbox;
  private final DeliveryMarks marks;
  private final AuthzCommandModel authzCommands;
  private final FailureClassifier classifier;
  private final MeterRegistry meters;
  private final Duration minAge;
  private final int batchSize;
  private final AtomicLong eventCursor = new AtomicLong();
  private final AtomicLong userCursor = new AtomicLong();

  public OutboxRelay(
      OutboxModel outbox,
      DeliveryMarks marks,
      AuthzCommandModel authzCommands,
      FailureClassifier classifier,
      MeterRegistry meters,
      OutboxProperties properties) {
    this.outbox = outbox;
    this.marks = marks;
    this.authzCommands = authzCommands;
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
   * Events and authz commands committed at least {@code outbox.relay-min-age} ago and still not
   * delivered: the next batch of each after the previous pass's, from the start once one ran out.
   */
  public SideEffects pending() {
    long age = minAge.toSeconds();
    List<OutboxRow> events = outbox.findUnsentOlderThan(age, eventCursor.get(), batchSize);
    eventCursor.set(events.size() < batchSize ? 0 : events.get(events.size() - 1).id());
    List<AuthzCommandRow> commands =
        authzCommands.findOldestPendingPerUser(age, userCursor.get(), batchSize);
    userCursor.set(commands.size() < batchSize ? 0 : commands.get(commands.size() - 1).userId());
    return new Pending(events, commands);
  }

  /** Side effects found by {@link #pending()}. */
  public record Pending(List<OutboxRow> events, List<AuthzCommandRow> authzCommands)
      implements SideEffects {}

  /** Marks an event published (written with the next {@link DeliveryMarks} flush). */
  public void markSent(OutboxRow event) {
    marks.eventSent(event.id());
  }

  /**
   * A delivery failed. In the relay it is counted, logged and left for the next pass. In-line, a
   * transient failure (Kafka or authz down) fails the record, which is retried and, once the
   * dependency is back, finds its side effects pending; any other failure is left to the relay,
   * since the record's work is committed and must not be dead-lettered.
   *
   * @param row the event ({@link OutboxRow}) or authz command ({@link AuthzCommandRow})
   */
  public void failed(Object row, Exception failure, Exchange exchange) throws Exception {
    boolean relay = exchange.getProperty(RELAY, false, Boolean.class);
    String type = row instanceof AuthzCommandRow ? "authz" : "event";
    failures(type, relay ? "relay" : "inline").increment();
    boolean isTransient = classifier.isTransient(failure);
    if (!relay && isTransient) {
      throw failure;
    }
    if (isTransient) {
      log.warn(
          "{} {} not delivered, left for the relay: {}", type, describe(row), failure.toString());
    } else {
      log.error("{} {} not delivered, left for the relay", type, describe(row), failure);
    }
  }

  private static String describe(Object row) {
    if (row instanceof OutboxRow event) {
      return "outbox id " + event.id() + " (" + event.eventId() + ")";
    }
    if (row instanceof AuthzCommandRow command) {
      return "of user " + command.userId() + " from authz_command id " + command.id();
    }
    return String.valueOf(row);
  }

  private Counter failures(String type, String path) {
    return meters.counter("usermq.outbox.failures", "type", type, "path", path);
  }
}
