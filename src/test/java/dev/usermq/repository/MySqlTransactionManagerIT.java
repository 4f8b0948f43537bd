package dev.usermq.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.transaction.TransactionDefinition.ISOLATION_DEFAULT;

import com.zaxxer.hikari.HikariDataSource;
import dev.usermq.repository.model.AuthzCommandModel;
import dev.usermq.support.EmbeddedServersIT;
import dev.usermq.support.SqlStatements;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.jdbc.DataSourceProperties;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The service's transaction manager on the real MariaDB: a transaction at the level of the pool's
 * connections (the service's READ COMMITTED) sends nothing for it; one with an isolation level of
 * its own gets it with one statement, for itself only, and leaves the session's level as it was; a
 * transaction on a pool of auto-commit connections commits with the switch back to auto-commit, and
 * the server sees the three statements of a one-statement transaction where Spring's manager sends
 * four.
 */
class MySqlTransactionManagerIT extends EmbeddedServersIT {

  @Autowired PlatformTransactionManager transactions;
  @Autowired AuthzCommandModel commands;
  @Autowired JdbcTemplate jdbc;
  @Autowired DataSource dataSource;
  @Autowired SqlStatements statements;
  @Autowired DataSourceProperties database;

  /**
   * The service declares its own transaction manager, so Spring Boot's is not made: the settings of
   * {@code spring.transaction} (application.yaml: a 15 s default timeout, which bounds a
   * transaction's statements) must still reach it.
   */
  @Test
  void springTransactionSettingsReachIt() {
    assertThat(transactions).isInstanceOf(MySqlTransactionManager.class);
    assertThat(((MySqlTransactionManager) transactions).getDefaultTimeout()).isEqualTo(15);
  }

  @Test
  void theServicesConnectionsAreReadCommitted() {
    assertThat(sessionLevel()).isEqualTo("READ-COMMITTED");
  }

  /**
   * The authz delivery's transaction: READ COMMITTED, the pool's level, so no statement sets it and
   * the switch back to auto-commit commits it; its locking read takes no gap locks.
   */
  @Test
  void aTransactionAtThePoolsLevelSetsNothingAndTakesNoGapLocks() {
    long userId = newUserId();
    insertCommand(userId, 1);
    TransactionTemplate readCommitted = isolated(TransactionDefinition.ISOLATION_READ_COMMITTED);
    int mark = statements.callsMark();

    readCommitted.executeWithoutResult(
        status -> assertThat(commands.lockPendingOf(userId)).hasSize(1));

    assertThat(statements.callsSince(mark))
        .containsExactly(
            "<setAutoCommit false>",
            "SELECT * FROM authz_command WHERE user_id = ? AND done_at IS NULL"
                + " ORDER BY id FOR UPDATE",
            "SET autocommit=1");
    readCommitted.executeWithoutResult(
        status -> {
          assertThat(commands.lockPendingOf(userId)).hasSize(1);
          // a business transaction adding a command for the same user does not wait
          assertThat(insertCommand(userId, 1)).isEqualTo(1);
        });
  }

  @Test
  void anotherLevelIsOneStatementAtTheStartAndTheSessionIsNotChanged() {
    int mark = statements.callsMark();

    String sessionLevel =
        isolated(TransactionDefinition.ISOLATION_REPEATABLE_READ).execute(status -> sessionLevel());

    List<String> calls = statements.callsSince(mark);
    assertThat(calls)
        .containsExactly(
            "<setAutoCommit false>",
            "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ",
            "SELECT @@tx_isolation",
            // Spring's commit: MariaDB would keep the level for the session's next transaction
            // if SET autocommit=1 committed it
            "<commit>",
            "<setAutoCommit true>");
    assertThat(sessionLevel).isEqualTo("READ-COMMITTED");
  }

  @Test
  void anotherLevelHoldsTheGapAndTheNextTransactionOfTheSessionDoesNot() {
    long userId = newUserId();
    insertCommand(userId, 1);

    // the locking read at REPEATABLE READ holds the gap after the user's commands
    isolated(TransactionDefinition.ISOLATION_REPEATABLE_READ)
        .executeWithoutResult(
            status -> {
              assertThat(commands.lockPendingOf(userId)).hasSize(1);
              assertThatThrownBy(() -> insertCommand(userId, 1))
                  .hasMessageContaining("Lock wait timeout");
            });

    // the session's next transaction is at the pool's level again
    new TransactionTemplate(transactions)
        .executeWithoutResult(
            status -> {
              assertThat(commands.lockPendingOf(userId)).hasSize(1);
              assertThat(insertCommand(userId, 1)).isEqualTo(1);
            });
  }

  @Test
  void aTransactionOnAnAutoCommitPoolIsCommittedByTheSwitchBackAlone() {
    try (HikariDataSource pool = oneConnectionPool(true)) {
      long userId = newUserId();

      Map<String, Long> sent = oneInsertTransaction(pool, userId, ISOLATION_DEFAULT, false);

      // the counts' own statement, then the transaction: SET autocommit=0, the INSERT, and the
      // SET autocommit=1 that commits it; no COMMIT, and no second SET from the driver after it
      assertThat(sent).containsEntry("Com_commit", 0L).containsEntry("Com_set_option", 2L);
      assertThat(sent).containsEntry("Questions", 1L + 3L);
      assertThat(pendingCommandsOf(userId)).isEqualTo(1);
      assertThat(autoCommitOf(pool)).isEqualTo(1);
    }
  }

  @Test
  void aTransactionAtThePoolsLevelIsCommittedByTheSwitchBackAlone() {
    try (HikariDataSource pool = oneConnectionPool(true)) {
      pool.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
      long userId = newUserId();

      Map<String, Long> sent =
          oneInsertTransaction(pool, userId, TransactionDefinition.ISOLATION_READ_COMMITTED, false);

      // no SET TRANSACTION, and no COMMIT: the level is the session's
      assertThat(sent).containsEntry("Com_commit", 0L).containsEntry("Questions", 1L + 3L);
      assertThat(pendingCommandsOf(userId)).isEqualTo(1);
    }
  }

  @Test
  void aTransactionOnAnAutoCommitPoolThatRollsBackLeavesNothing() {
    try (HikariDataSource pool = oneConnectionPool(true)) {
      long userId = newUserId();

      oneInsertTransaction(pool, userId, ISOLATION_DEFAULT, true);

      assertThat(pendingCommandsOf(userId)).isZero();
      assertThat(autoCommitOf(pool)).isEqualTo(1);
    }
  }

  @Test
  void aPoolWithoutAutoCommitKeepsItAndGetsSpringsCommit() {
    try (HikariDataSource pool = oneConnectionPool(false)) {
      long userId = newUserId();

      assertThat(oneInsertTransaction(pool, userId, ISOLATION_DEFAULT, false))
          .containsEntry("Com_commit", 1L)
          .containsEntry("Com_set_option", 0L);
      assertThat(pendingCommandsOf(userId)).isEqualTo(1);
      assertThat(autoCommitOf(pool)).isZero();
    }
  }

  /**
   * A transaction of the manager at the isolation level on the pool's one connection that inserts a
   * pending command of the user and, if asked, rolls back; returns what the session sent the server
   * meanwhile, the counts' own statement included.
   */
  private static Map<String, Long> oneInsertTransaction(
      DataSource pool, long userId, int level, boolean rollBack) {
    Map<String, Long> before = serverCounts(pool);
    isolated(new MySqlTransactionManager(pool), level)
        .executeWithoutResult(
            status -> {
              insertPendingCommand(new JdbcTemplate(pool), userId);
              if (rollBack) {
                status.setRollbackOnly();
              }
            });
    return since(before, serverCounts(pool));
  }

  private static int autoCommitOf(DataSource pool) {
    return new JdbcTemplate(pool).queryForObject("SELECT @@autocommit", Integer.class);
  }

  private static long newUserId() {
    return ThreadLocalRandom.current().nextLong(1_000_000_000L, 2_000_000_000L);
  }

  /** A pool of one connection to the service's database, so that its session's counts are one. */
  private HikariDataSource oneConnectionPool(boolean autoCommit) {
    HikariDataSource pool =
        database.initializeDataSourceBuilder().type(HikariDataSource.class).build();
    pool.setMaximumPoolSize(1);
    pool.setAutoCommit(autoCommit);
    return pool;
  }

  private static final List<String> COUNTS = List.of("Com_commit", "Com_set_option", "Questions");

  /** The counts of the statements the pool's one session sent so far. */
  private static Map<String, Long> serverCounts(DataSource pool) {
    Map<String, Long> counts = new HashMap<>();
    new JdbcTemplate(pool)
        .query(
            "SHOW SESSION STATUS WHERE Variable_name IN ('" + String.join("', '", COUNTS) + "')",
            row -> {
              counts.put(row.getString(1), row.getLong(2));
            });
    assertThat(counts).containsOnlyKeys(COUNTS);
    return counts;
  }

  private static Map<String, Long> since(Map<String, Long> before, Map<String, Long> after) {
    Map<String, Long> sent = new HashMap<>();
    COUNTS.forEach(name -> sent.put(name, after.get(name) - before.get(name)));
    return sent;
  }

  private int pendingCommandsOf(long userId) {
    return jdbc.queryForObject(
        "SELECT COUNT(*) FROM authz_command WHERE user_id = ? AND done_at IS NULL",
        Integer.class,
        userId);
  }

  /** Inserts a pending command of the user; returns the rows inserted. */
  private static int insertPendingCommand(JdbcTemplate jdbc, long userId) {
    String messageId = "m-" + UUID.randomUUID();
    return jdbc.update(
        "INSERT INTO authz_command (command_id, command, user_id, role, source_message_id)"
            + " VALUES (?, 'GRANT_ROLE', ?, 'member', ?)",
        messageId + ":GRANT_ROLE",
        userId,
        messageId);
  }

  private TransactionTemplate isolated(int level) {
    return isolated(transactions, level);
  }

  private static TransactionTemplate isolated(PlatformTransactionManager manager, int level) {
    TransactionTemplate tx = new TransactionTemplate(manager);
    tx.setIsolationLevel(level);
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
      try {
        return insertPendingCommand(
            new JdbcTemplate(new SingleConnectionDataSource(connection, true)), userId);
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
