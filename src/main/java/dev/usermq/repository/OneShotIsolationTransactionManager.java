package dev.usermq.repository;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.DelegatingTransactionDefinition;

/**
 * Spring's {@link JdbcTransactionManager}, except for a transaction that asks for an isolation
 * level of its own: that level is set for the transaction only, with one {@code SET TRANSACTION
 * ISOLATION LEVEL} at its start, where Spring sets it for the connection's session before the
 * transaction and back again after it (two round trips to the server). The session's level, the
 * pool's, is never changed, so the connection goes back to the pool as it came.
 *
 * <p>MySQL and MariaDB apply {@code SET TRANSACTION} without {@code SESSION} to the next
 * transaction only, which begins with the transaction's first statement after it. A transaction
 * that joins one already open keeps that one's level, as with Spring's own manager.
 */
public class OneShotIsolationTransactionManager extends JdbcTransactionManager {

  public OneShotIsolationTransactionManager(DataSource dataSource) {
    super(dataSource);
  }

  @Override
  protected void doBegin(Object transaction, TransactionDefinition definition) {
    super.doBegin(
        transaction,
        definition.getIsolationLevel() == TransactionDefinition.ISOLATION_DEFAULT
            ? definition
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
   * The transaction's definition, with the default isolation for Spring's session-wide handling,
   * and its own level for {@link #prepareTransactionalConnection}.
   */
  private static final class IsolationOfItsOwn extends DelegatingTransactionDefinition {

    private final int level;

    IsolationOfItsOwn(TransactionDefinition definition) {
      super(definition);
      this.level = definition.getIsolationLevel();
    }

    @Override
    public int getIsolationLevel() {
      return ISOLATION_DEFAULT;
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
