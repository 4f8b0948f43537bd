package dev.usermq.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.usermq.repository.model.AuthzCommandModel;
import dev.usermq.support.EmbeddedServersIT;
import dev.usermq.support.SqlStatements;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The service's transaction manager on the real MariaDB: a transaction with an isolation level of
 * its own (the authz delivery's READ COMMITTED) gets it with one statement, for itself only, and
 * leaves the session's level as it was.
 */
class OneShotIsolationIT extends EmbeddedServersIT {

  @Autowired PlatformTransactionManager transactions;
  @Autowired AuthzCommandModel commands;
  @Autowired JdbcTemplate jdbc;
  @Autowired DataSource dataSource;
  @Autowired SqlStatements statements;

  /**
   * The service declares its own transaction manager, so Spring Boot's is not made: the settings of
   * {@code spring.transaction} (application.yaml: a 15 s default timeout, which bounds a
   * transaction's statements) must still reach it.
   */
  @Test
  void springTransactionSettingsReachIt() {
    assertThat(transactions).isInstanceOf(OneShotIsolationTransactionManager.class);
    assertThat(((OneShotIsolationTransactionManager) transactions).getDefaultTimeout())
        .isEqualTo(15);
  }

  @Test
  void theLevelIsOneStatementAtTheStartAndTheSessionIsNotChanged() {
    TransactionTemplate readCommitted = readCommitted();
    int mark = statements.callsMark();

    String sessionLevel = readCommitted.execute(status -> sessionLevel());

    List<String> calls = statements.callsSince(mark);
    assertThat(calls)
        .containsExactly(
            "<setAutoCommit false>",
            "SET TRANSACTION ISOLATION LEVEL READ COMMITTED",
            "SELECT @@tx_isolation",
            "<commit>",
            "<setAutoCommit true>");
    assertThat(sessionLevel).isEqualTo("REPEATABLE-READ");
  }

  @Test
  void theTransactionTakesNoGapLocksAndTheNextOneOfTheSessionDoes() {
    long userId = ThreadLocalRandom.current().nextLong(1_000_000_000L, 2_000_000_000L);
    insertCommand(userId, 1);

    readCommitted()
        .executeWithoutResult(
            status -> {
              assertThat(commands.lockPendingOf(userId)).hasSize(1);
              // a business transaction adding a command for the same user does not wait
              assertThat(insertCommand(userId, 1)).isEqualTo(1);
            });

    // the same locking read in a transaction at the session's level (REPEATABLE READ) holds the gap
    new TransactionTemplate(transactions)
        .executeWithoutResult(
            status -> {
              assertThat(commands.lockPendingOf(userId)).hasSize(2);
              assertThatThrownBy(() -> insertCommand(userId, 1))
                  .hasMessageContaining("Lock wait timeout");
            });
  }

  private TransactionTemplate readCommitted() {
    TransactionTemplate tx = new TransactionTemplate(transactions);
    tx.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
    return tx;
  }

  private String sessionLevel() {
    return jdbc.queryForObject("SELECT @@tx_isolation", String.class);
  }

  /**
   * Inserts a pending command of the user on a connection of its own, which waits at most {@code
   * lockWaitSeconds} for a lock; returns the rows inserted.
   */
  private int insertCommand(long userId, int lockWaitSeconds) {
    try (Connection connection = dataSource.getConnection()) {
      try (Statement session = connection.createStatement()) {
        session.execute("SET SESSION innodb_lock_wait_timeout = " + lockWaitSeconds);
      }
      String messageId = "m-" + UUID.randomUUID();
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO authz_command (command_id, command, user_id, role, source_message_id)"
                  + " VALUES (?, 'GRANT_ROLE', ?, 'member', ?)")) {
        insert.setString(1, messageId + ":GRANT_ROLE");
        insert.setLong(2, userId);
        insert.setString(3, messageId);
        return insert.executeUpdate();
      } finally {
        try (Statement session = connection.createStatement()) {
          session.execute("SET SESSION innodb_lock_wait_timeout = DEFAULT");
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }
}
