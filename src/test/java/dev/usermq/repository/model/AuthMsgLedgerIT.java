package dev.usermq.repository.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.usermq.support.EmbeddedServersIT;
import dev.usermq.support.SqlStatements;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The ledger writes by their written-out statements ({@link AuthMsgLedger}) on the real MariaDB:
 * the claimed row, a second claim refused by the unique key, the outcome, and the caller's
 * transaction.
 */
class AuthMsgLedgerIT extends EmbeddedServersIT {

  @Autowired AuthMsgModel ledger;
  @Autowired TransactionTemplate tx;
  @Autowired SqlStatements statements;

  @Test
  void aClaimedMessageIsUnprocessedUntilItsOutcomeIsRecorded() {
    String id = "m-" + UUID.randomUUID();
    int mark = statements.mark();

    ledger.claim(id, "REGISTER", 0);

    assertThat(statements.since(mark)).contains(AuthMsgLedgerImpl.CLAIM);
    AuthMsgRow claimed = ledger.findByMessageId(id).orElseThrow();
    assertThat(claimed.kind()).isEqualTo("REGISTER");
    assertThat(claimed.processed()).isZero();

    assertThat(ledger.markAsProcessed(id, "APPLIED", 42)).isTrue();

    AuthMsgRow done = ledger.findByMessageId(id).orElseThrow();
    assertThat(done.processed()).isEqualTo(1);
    assertThat(done.outcome()).isEqualTo("APPLIED");
    assertThat(done.userId()).isEqualTo(42);
    assertThat(done.processTime()).isNotNull();
    assertThat(ledger.markAsProcessed("m-" + UUID.randomUUID(), "APPLIED", 1)).isFalse();
  }

  @Test
  void aSecondClaimOfTheSameMessageIsADuplicateKey() {
    String id = "m-" + UUID.randomUUID();
    ledger.claim(id, "REGISTER", 0);

    assertThatThrownBy(() -> ledger.claim(id, "REGISTER", 0))
        .isInstanceOf(DuplicateKeyException.class);
  }

  @Test
  void aClaimRollsBackWithTheCallersTransaction() {
    String id = "m-" + UUID.randomUUID();

    tx.executeWithoutResult(
        status -> {
          ledger.claim(id, "BIND", 7);
          status.setRollbackOnly();
        });

    assertThat(ledger.findByMessageId(id)).isEmpty();
  }
}
