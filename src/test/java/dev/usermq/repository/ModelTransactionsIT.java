package dev.usermq.repository;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usermq.repository.model.AuthMsgModel;
import dev.usermq.repository.model.UserModel;
import dev.usermq.repository.model.UserRow;
import dev.usermq.support.EmbeddedServersIT;
import dev.usermq.support.SqlStatements;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.aop.Advisor;
import org.springframework.aop.framework.Advised;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.support.PersistenceExceptionTranslationInterceptor;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.interceptor.TransactionInterceptor;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The table models on the real MariaDB: without a transaction of the caller's, a read or a save is
 * its one statement, not a transaction of its own around it; in the caller's transaction it is one
 * of that transaction's statements.
 */
class ModelTransactionsIT extends EmbeddedServersIT {

  @Autowired AuthMsgModel ledger;
  @Autowired UserModel users;
  @Autowired SqlStatements statements;
  @Autowired PlatformTransactionManager transactions;

  @Test
  void aReadOrAWriteOutsideATransactionIsItsStatementAlone() {
    int mark = statements.callsMark();

    assertThat(ledger.findByMessageId("absent-" + UUID.randomUUID())).isEmpty();
    UserRow user = users.save(UserRow.newActive("nick", ""));

    assertThat(user.id()).isPositive();
    assertThat(statements.callsSince(mark))
        .satisfiesExactly(
            read -> assertThat(read).startsWith("SELECT"),
            insert -> assertThat(insert).startsWith("INSERT INTO `user`"));
  }

  @Test
  void aReadInTheCallersTransactionIsOneOfItsStatements() {
    int mark = statements.callsMark();

    new TransactionTemplate(transactions)
        .executeWithoutResult(status -> ledger.findByMessageId("absent-" + UUID.randomUUID()));

    List<String> calls = statements.callsSince(mark);
    assertThat(calls).hasSize(3);
    assertThat(calls.get(0)).isEqualTo("<setAutoCommit false>");
    assertThat(calls.get(1)).startsWith("SELECT");
    // committed by the switch back to auto-commit (MySqlTransactionManager)
    assertThat(calls.get(2)).isEqualTo("SET autocommit=1");
  }

  @Test
  void aModelsFragmentsAreCalledFirstInItsChain() {
    for (Object model : List.of(ledger, users)) {
      assertThat(((Advised) model).getAdvisors()[0].getAdvice()).isInstanceOf(FragmentCalls.class);
    }
  }

  @Test
  void theModelsCallsGoThroughNeitherATransactionNorAnExceptionTranslationInterceptor() {
    for (Object model : List.of(ledger, users)) {
      assertThat(((Advised) model).getAdvisors())
          .extracting(Advisor::getAdvice)
          .noneMatch(
              advice ->
                  advice instanceof TransactionInterceptor
                      || advice instanceof PersistenceExceptionTranslationInterceptor);
    }
  }
}
