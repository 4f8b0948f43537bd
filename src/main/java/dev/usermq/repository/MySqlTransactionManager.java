package dev.usermq.repository;

import static org.springframework.transaction.TransactionDefinition.ISOLATION_DEFAULT;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.util.UtilityElf;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.JdbcTransactionObjectSupport;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.DefaultTransactionStatus;
import org.springframework.transaction.support.DelegatingTransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Spring's {@link JdbcTransactionManager}, without the round trips to MySQL or MariaDB that
 * Spring's manager spends on switching the connection's session where the servers need none:
 *
 * <ul>
 *   <li>A transaction that asks for an isolation level of its own gets it with one {@code SET
 *       TRANSACTION ISOLATION LEVEL} at its start, where Spring sets it for the connection's
 *       session before the transaction and back again after it. The session's level, the pool's, is
 *       never changed, so the connection goes back to the pool as it came. MySQL and MariaDB apply
 *       {@code SET TRANSACTION} without {@code SESSION} to the next transaction only, which begins
 *       with the transaction's first statement after it. A transaction that joins one already open
 *       keeps that one's level, as with Spring's own manager. A transaction that asks for the level
 *       the pool gives its connections (Hikari's {@code transaction-isolation}) needs no statement
 *       for it at all.
 *   <li>When the pool hands out connections in auto-commit mode (Hikari's {@code auto-commit}, on
 *       by default), Spring switches it off at a transaction's start, commits, and switches it on
 *       again: {@code SET autocommit=0}, {@code COMMIT}, {@code SET autocommit=1}. The commit here
 *       is the {@code SET autocommit=1} alone, which MySQL and MariaDB commit the open transaction
 *       with (and fail as a {@code COMMIT} would); Spring's switch back afterwards then finds the
 *       connection in auto-commit mode, which the MariaDB driver knows from the server's reply and
 *       sends nothing for (MySQL's driver sends its {@code SET} again: no saving, no harm). A
 *       transaction with an isolation level of its own, a rollback, and a pool of connections
 *       without auto-commit (which must stay so) get Spring's {@code COMMIT} and {@code ROLLBACK}:
 *       a level of its own here is one that differs from the pool's.
 * </ul>
 */
public class MySqlTransactionManager extends JdbcTransactionManager {

  private final boolean commitBySwitchingBack;

  /**
   * The level the pool sets on every connection it makes, {@code ISOLATION_DEFAULT} when the pool
   * leaves it to the driver and the server.
   */
  private final int poolLevel;

  public MySqlTransactionManager(DataSource dataSource) {
    super(dataSource);
    HikariDataSource pool = hikariPool(dataSource);
    this.commitBySwitchingBack = pool != null && pool.isAutoCommit();
    this.poolLevel =
        pool == null
            ? ISOLATION_DEFAULT
            : UtilityElf.getTransactionIsolation(pool.getTransactionIsolation());
  }

  @Override
  protected void doBegin(Object transaction, TransactionDefinition definition) {
    int level = definition.getIsolationLevel();
    super.doBegin(
        transaction,
        level == ISOLATION_DEFAULT
            ? definition
            : level == poolLevel
                ? new SessionLevel(definition)
                : new IsolationOfItsOwn(definition));
  }

  @Override
  protected void prepareTransactionalConnection(Connection con, TransactionDefinition definition)
      throws SQLException {
    super.prepareTransactionalConnection(con, definition);
    if (definition instanceof IsolationOfItsOwn own) {
      try (Statement statement = con.createStatement()) {
        statement.executeUpdate("SET TRANSACTION ISOLATION LEVEL " + own.levelName());
      }
    }
  }

  /**
   * Commits with the {@code SET autocommit=1} that ends the transaction (see the class), when the
   * transaction began by switching auto-commit off and has the session's isolation level (none of
   * its own, or the pool's); Spring's commit otherwise. MariaDB does not reset a level set for the
   * transaction alone when a {@code SET autocommit=1} commits it, as it does on {@code COMMIT}: the
   * session's next transaction would have it too. The level is known from the transaction's
   * synchronization, which this manager made ({@link
   * DefaultTransactionStatus#isNewSynchronization()}); without it, Spring's commit.
   */
  @Override
  protected void doCommit(DefaultTransactionStatus status) {
    Integer level = TransactionSynchronizationManager.getCurrentTransactionIsolationLevel();
    if (!commitBySwitchingBack
        || !status.isNewSynchronization()
        || (level != null && level != poolLevel)) {
      super.doCommit(status);
      return;
    }
    Connection con =
        ((JdbcTransactionObjectSupport) status.getTransaction())
            .getConnectionHolder()
            .getConnection();
    try (Statement statement = con.createStatement()) {
      statement.execute("SET autocommit=1");
    } catch (SQLException e) {
      throw translateException("JDBC commit", e);
    }
  }

  /**
   * The data source as the Hikari pool it is, whose settings tell the mode and the level its
   * connections come in; {@code null} for a pool of another kind, whose are not known here.
   */
  private static HikariDataSource hikariPool(DataSource dataSource) {
    try {
      return dataSource.isWrapperFor(HikariDataSource.class)
          ? dataSource.unwrap(HikariDataSource.class)
          : null;
    } catch (SQLException e) {
      return null;
    }
  }

  /**
   * The transaction's definition with the default isolation, so that Spring leaves the session's
   * level alone: for a transaction at the level the session has.
   */
  private static class SessionLevel extends DelegatingTransactionDefinition {

    SessionLevel(TransactionDefinition definition) {
      super(definition);
    }

    @Override
    public int getIsolationLevel() {
      return ISOLATION_DEFAULT;
    }
  }

  /**
   * The transaction's definition, with the default isolation for Spring's session-wide handling,
   * and its own level for {@link #prepareTransactionalConnection}.
   */
  private static final class IsolationOfItsOwn extends SessionLevel {

    private final int level;

    IsolationOfItsOwn(TransactionDefinition definition) {
      super(definition);
      this.level = definition.getIsolationLevel();
    }

    String levelName() {
      return switch (level) {
        case ISOLATION_READ_UNCOMMITTED -> "READ UNCOMMITTED";
        case ISOLATION_READ_COMMITTED -> "READ COMMITTED";
        case ISOLATION_REPEATABLE_READ -> "REPEATABLE READ";
        case ISOLATION_SERIALIZABLE -> "SERIALIZABLE";
        default -> throw new IllegalArgumentException("not an isolation level: " + level);
      };
    }
  }
}
