package dev.usermq.repository.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.util.Assert;

/**
 * The new {@code outbox} and {@code authz_command} rows of the current transaction, held back and
 * sent together, one JDBC batch a table, by {@link #flush} or at the latest before the commit: for
 * a transaction that applies many messages (batch mode), where nothing reads those rows back before
 * the commit. While rows are held, {@link InsertingSave#save} returns them without an id; {@link
 * #flush} gives the events' ids.
 */
public final class HeldInserts {

  private final List<OutboxRow> events = new ArrayList<>();
  private final List<AuthzCommandRow> commands = new ArrayList<>();
  private JdbcTemplate jdbc;

  private HeldInserts() {}

  /**
   * Holds back the new outbox and authz_command rows of the current transaction, which must be
   * active, until {@link #flush} or its commit.
   */
  public static void hold() {
    Assert.state(
        TransactionSynchronizationManager.isActualTransactionActive(),
        "inserts are held in a transaction only");
    if (current() != null) {
      return;
    }
    HeldInserts held = new HeldInserts();
    TransactionSynchronizationManager.bindResource(HeldInserts.class, held);
    TransactionSynchronizationManager.registerSynchronization(
        new TransactionSynchronization() {
          @Override
          public void beforeCommit(boolean readOnly) {
            held.send();
          }

          @Override
          public void afterCompletion(int status) {
            TransactionSynchronizationManager.unbindResourceIfPossible(HeldInserts.class);
          }
        });
  }

  /**
   * Sends the rows held in the current transaction, if any; returns the generated ids of the events
   * by event id. Later rows are held again, until the next flush or the commit.
   */
  public static Map<String, Long> flush() {
    HeldInserts held = current();
    return held == null ? Map.of() : held.send();
  }

  /** The rows held in the current transaction, or null when inserts go at once. */
  static HeldInserts current() {
    return (HeldInserts) TransactionSynchronizationManager.getResource(HeldInserts.class);
  }

  void add(JdbcTemplate jdbc, OutboxRow event) {
    this.jdbc = jdbc;
    events.add(event);
  }

  void add(JdbcTemplate jdbc, AuthzCommandRow command) {
    this.jdbc = jdbc;
    commands.add(command);
  }

  private Map<String, Long> send() {
    Map<String, Long> eventIds = new HashMap<>();
    if (!commands.isEmpty()) {
      InsertingSaveImpl.insertCommands(jdbc, commands);
      commands.clear();
    }
    if (!events.isEmpty()) {
      Iterator<Long> ids = InsertingSaveImpl.insertEvents(jdbc, events);
      for (OutboxRow event : events) {
        eventIds.put(event.eventId(), ids.next());
      }
      events.clear();
    }
    return eventIds;
  }
}
