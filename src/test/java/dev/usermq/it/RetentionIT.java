package dev.usermq.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usermq.support.EmbeddedServersIT;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.UUID;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.ExchangeBuilder;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The retention routes on the real database: rows past {@code outbox.retention} (7 days, events
 * published and authz commands delivered) and {@code ledger.retention} (30 days) are deleted, in
 * batches ({@code retention.batch-size} is 2 here, so each table takes several), and younger or
 * undelivered rows stay.
 */
class RetentionIT extends EmbeddedServersIT {

  @Autowired JdbcClient jdbc;
  @Autowired MeterRegistry registry;
  @Autowired CamelContext camel;

  private final String prefix = "ret-" + UUID.randomUUID().toString().substring(0, 8) + "-";

  @Test
  void deletesOldRowsInBatchesAndKeepsYoungAndUndeliveredOnes() throws Exception {
    double outboxBefore = deleted("outbox");
    double commandsBefore = deleted("authz_command");
    double ledgerBefore = deleted("auth_msg");
    for (int i = 0; i < 5; i++) {
      outbox("old-sent-" + i, "NOW(3) - INTERVAL 8 DAY", "NOW(3) - INTERVAL 8 DAY");
      command("old-done-" + i, "NOW(3) - INTERVAL 8 DAY", "NOW(3) - INTERVAL 8 DAY");
      ledger("old-" + i, "NOW(3) - INTERVAL 31 DAY");
    }
    outbox("young-sent", "NOW(3) - INTERVAL 6 DAY", "NOW(3) - INTERVAL 6 DAY");
    outbox("old-unsent", "NOW(3) - INTERVAL 30 DAY", "NULL");
    command("young-done", "NOW(3) - INTERVAL 6 DAY", "NOW(3) - INTERVAL 6 DAY");
    command("old-pending", "NOW(3) - INTERVAL 30 DAY", "NULL");
    ledger("young", "NOW(3) - INTERVAL 29 DAY");

    runOnce("outbox-retention");
    runOnce("ledger-retention");

    assertThat(ids("outbox", "event_id")).containsExactlyInAnyOrder("young-sent", "old-unsent");
    assertThat(ids("authz_command", "command_id"))
        .containsExactlyInAnyOrder("young-done", "old-pending");
    assertThat(ids("auth_msg", "message_id")).containsExactly("young");
    assertThat(deleted("outbox") - outboxBefore).isGreaterThanOrEqualTo(5);
    assertThat(deleted("authz_command") - commandsBefore).isGreaterThanOrEqualTo(5);
    assertThat(deleted("auth_msg") - ledgerBefore).isGreaterThanOrEqualTo(5);
  }

  /**
   * One pass of a retention route, as its timer starts it (every {@code retention.interval}, an
   * hour in the tests, so that no pass runs in the middle of another test's statements).
   */
  private void runOnce(String routeId) throws Exception {
    Exchange tick = ExchangeBuilder.anExchange(camel).build();
    camel.getRoute(routeId).getConsumer().getProcessor().process(tick);
    assertThat(tick.getException()).as("exception of the pass").isNull();
  }

  private double deleted(String table) {
    Counter counter = registry.find("usermq.retention.deleted").tag("table", table).counter();
    return counter == null ? 0 : counter.count();
  }

  private java.util.List<String> ids(String table, String column) {
    return jdbc
        .sql("SELECT " + column + " FROM " + table + " WHERE " + column + " LIKE ?")
        .param(prefix + "%")
        .query(String.class)
        .list()
        .stream()
        .map(id -> id.substring(prefix.length()))
        .toList();
  }

  private void outbox(String id, String createdAt, String sentAt) {
    jdbc.sql(
            "INSERT INTO outbox (event_id, event_type, topic, record_key, payload,"
                + " source_message_id, created_at, sent_at) VALUES (?, 'user.count', 'user', '1',"
                + " X'00', ?, "
                + createdAt
                + ", "
                + sentAt
                + ")")
        .params(prefix + id, prefix + id)
        .update();
  }

  private void command(String id, String createdAt, String doneAt) {
    jdbc.sql(
            "INSERT INTO authz_command (command_id, command, user_id, source_message_id,"
                + " created_at, done_at) VALUES (?, 'GRANT_ROLE', 0, ?, "
                + createdAt
                + ", "
                + doneAt
                + ")")
        .params(prefix + id, prefix + id)
        .update();
  }

  private void ledger(String id, String createdAt) {
    jdbc.sql(
            "INSERT INTO auth_msg (message_id, kind, outcome, processed, process_time, created_at)"
                + " VALUES (?, 'REGISTER', 'APPLIED', 1, "
                + createdAt
                + ", "
                + createdAt
                + ")")
        .param(prefix + id)
        .update();
  }
}
