package dev.usermq.repository.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.usermq.support.EmbeddedServersIT;
import dev.usermq.support.SqlStatements;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The ledger writes by their written-out statements ({@link AuthMsgLedger}) on the real MariaDB:
 * the claimed row, a second claim refused by the unique key, the outcome, and the caller's
 * transaction; a batch's claims and outcomes, each in one statement.
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

  @Test
  void aBatchIsClaimedAndMarkedInOneStatementEachAndIdsDifferingInCaseAreTwoRows() {
    String id = "m-" + UUID.randomUUID();
    String upper = id.toUpperCase();
    int mark = statements.mark();

    ledger.claimAll(
        List.of(
            new AuthMsgLedger.Claim(id, "REGISTER", 0), new AuthMsgLedger.Claim(upper, "BIND", 9)));

    assertThat(statements.since(mark)).containsExactly(AuthMsgLedgerImpl.claimRows(2));
    assertThat(ledger.findByMessageId(upper).orElseThrow().processed()).isZero();

    int updated =
        ledger.markAllAsProcessed(
            List.of(
                new AuthMsgLedger.Processed(upper, "REJECTED", 9),
                new AuthMsgLedger.Processed(id, "APPLIED", 42)));

    assertThat(updated).isEqualTo(2);
    AuthMsgRow applied = ledger.findByMessageId(id).orElseThrow();
    assertThat(applied.kind()).isEqualTo("REGISTER");
    assertThat(applied.outcome()).isEqualTo("APPLIED");
    assertThat(applied.userId()).isEqualTo(42);
    assertThat(applied.processed()).isEqualTo(1);
    assertThat(applied.processTime()).isNotNull();
    AuthMsgRow rejected = ledger.findByMessageId(upper).orElseThrow();
    assertThat(rejected.kind()).isEqualTo("BIND");
    assertThat(rejected.outcome()).isEqualTo("REJECTED");
    assertThat(rejected.userId()).isEqualTo(9);
  }

  @Test
  void moreRowsThanAStatementTakesAreWrittenInSeveral() {
    List<AuthMsgLedger.Claim> claims = new ArrayList<>();
    List<AuthMsgLedger.Processed> outcomes = new ArrayList<>();
    for (int i = 0; i <= AuthMsgLedgerImpl.ROWS_PER_STATEMENT; i++) {
      String id = "m-" + UUID.randomUUID();
      claims.add(new AuthMsgLedger.Claim(id, "UNBIND", i));
      outcomes.add(new AuthMsgLedger.Processed(id, "NOOP", i));
    }

    tx.executeWithoutResult(
        status -> {
          ledger.claimAll(claims);
          assertThat(ledger.markAllAsProcessed(outcomes)).isEqualTo(claims.size());
        });

    AuthMsgRow last =
        ledger.findByMessageId(claims.get(claims.size() - 1).messageId()).orElseThrow();
    assertThat(last.outcome()).isEqualTo("NOOP");
    assertThat(last.userId()).isEqualTo(AuthMsgLedgerImpl.ROWS_PER_STATEMENT);
  }

  @Test
  void aBatchWithAMessageAlreadyClaimedIsADuplicateKeyAndClaimsNone() {
    String done = "m-" + UUID.randomUUID();
    String fresh = "m-" + UUID.randomUUID();
    ledger.claim(done, "REGISTER", 0);

    assertThatThrownBy(
            () ->
                ledger.claimAll(
                    List.of(
                        new AuthMsgLedger.Claim(fresh, "REGISTER", 0),
                        new AuthMsgLedger.Claim(done, "REGISTER", 0))))
        .isInstanceOf(DuplicateKeyException.class);
    assertThat(ledger.findByMessageId(fresh)).isEmpty();
  }
}
