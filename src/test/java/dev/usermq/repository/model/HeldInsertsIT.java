package dev.usermq.repository.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.usermq.support.EmbeddedServersIT;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Inserts held back in a transaction ({@link HeldInserts}) on the real MariaDB: nothing sent before
 * the flush, the events' generated ids from the flush, rows held after a flush sent at the commit,
 * and nothing of a rolled-back transaction.
 */
class HeldInsertsIT extends EmbeddedServersIT {

  @Autowired OutboxModel outbox;
  @Autowired AuthzCommandModel commands;
  @Autowired TransactionTemplate tx;

  @Test
  void heldRowsGoInAtTheFlushAndTheEventsGetTheirIds() {
    String first = "m-" + UUID.randomUUID();
    String second = "m-" + UUID.randomUUID();

    Map<String, Long> ids =
        tx.execute(
            status -> {
              HeldInserts.hold();
              OutboxRow held = outbox.save(event(first));
              outbox.save(event(second));
              commands.save(AuthzCommandRow.grantRole(first, 5, "member"));

              assertThat(held.id()).isNull();
              assertThat(outbox.findBySourceMessageIdAndSentAtIsNullOrderById(first)).isEmpty();
              assertThat(commands.findBySourceMessageIdAndDoneAtIsNullOrderById(first)).isEmpty();
              return HeldInserts.flush();
            });

    OutboxRow firstRow = outbox.findBySourceMessageIdAndSentAtIsNullOrderById(first).get(0);
    OutboxRow secondRow = outbox.findBySourceMessageIdAndSentAtIsNullOrderById(second).get(0);
    assertThat(ids)
        .containsOnly(
            Map.entry(firstRow.eventId(), firstRow.id()),
            Map.entry(secondRow.eventId(), secondRow.id()));
    assertThat(secondRow.id()).isGreaterThan(firstRow.id());
    assertThat(firstRow.payload()).containsExactly(1, 2, 3);
    assertThat(commands.findBySourceMessageIdAndDoneAtIsNullOrderById(first))
        .singleElement()
        .satisfies(
            command -> {
              assertThat(command.userId()).isEqualTo(5);
              assertThat(command.role()).isEqualTo("member");
            });
  }

  @Test
  void rowsHeldAfterTheFlushGoInAtTheCommitAndTheNextTransactionInsertsAtOnce() {
    String flushed = "m-" + UUID.randomUUID();
    String committed = "m-" + UUID.randomUUID();

    tx.executeWithoutResult(
        status -> {
          HeldInserts.hold();
          outbox.save(event(flushed));
          HeldInserts.flush();
          commands.save(AuthzCommandRow.revokeRoles(committed, 6));
        });

    assertThat(outbox.findBySourceMessageIdAndSentAtIsNullOrderById(flushed)).hasSize(1);
    assertThat(commands.findBySourceMessageIdAndDoneAtIsNullOrderById(committed)).hasSize(1);
    String later = "m-" + UUID.randomUUID();
    OutboxRow atOnce = tx.execute(status -> outbox.save(event(later)));
    assertThat(atOnce.id()).isNotNull();
  }

  @Test
  void aRolledBackTransactionInsertsNothing() {
    String id = "m-" + UUID.randomUUID();

    tx.executeWithoutResult(
        status -> {
          HeldInserts.hold();
          outbox.save(event(id));
          HeldInserts.flush();
          outbox.save(event(id + "-2"));
          status.setRollbackOnly();
        });

    assertThat(outbox.findBySourceMessageIdAndSentAtIsNullOrderById(id)).isEmpty();
    assertThat(outbox.findBySourceMessageIdAndSentAtIsNullOrderById(id + "-2")).isEmpty();
  }

  @Test
  void insertsAreHeldInATransactionOnly() {
    assertThatThrownBy(HeldInserts::hold).isInstanceOf(IllegalStateException.class);
  }

  private static OutboxRow event(String sourceMessageId) {
    return OutboxRow.newEvent("user", "user.count", sourceMessageId, 5, new byte[] {1, 2, 3});
  }
}
