package dev.usermq.mq;

import dev.usermq.repository.DependencyUnavailableException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.List;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/**
 * Tells a transient failure (a dependency down or slow) from any other. A transient failure is
 * retried for as long as it lasts and never sends a record to the DLQ.
 */
@Component
public class FailureClassifier {

  private static final List<Class<? extends Throwable>> TRANSIENT =
      List.of(
          DependencyUnavailableException.class,
          // Spring's translation of database, Redis and lock failures
          TransientDataAccessException.class,
          RecoverableDataAccessException.class,
          DataAccessResourceFailureException.class,
          CannotCreateTransactionException.class,
          // JDBC drivers and sockets, when not translated
          SQLTransientException.class,
          SQLRecoverableException.class,
          java.sql.SQLNonTransientConnectionException.class,
          ConnectException.class,
          SocketTimeoutException.class,
          // Kafka producer: broker unreachable, leader moving, request timed out
          org.apache.kafka.common.errors.RetriableException.class);

  /** SQLSTATE class of connection exceptions (SQL standard): the connection broke or never was. */
  private static final String CONNECTION_EXCEPTION = "08";

  /** True if the failure or any of its causes is transient. */
  public boolean isTransient(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      for (Class<? extends Throwable> type : TRANSIENT) {
        if (type.isInstance(t)) {
          return true;
        }
      }
      // e.g. the pool's "Connection is closed" (08003) when a rollback or commit finds the
      // connection gone because the database went down in the middle of the transaction
      if (t instanceof SQLException sql
          && sql.getSQLState() != null
          && sql.getSQLState().startsWith(CONNECTION_EXCEPTION)) {
        return true;
      }
      // a failed rollback hides the failure that caused it
      if (t instanceof TransactionSystemException tse
          && tse.getApplicationException() != null
          && tse.getApplicationException() != failure
          && isTransient(tse.getApplicationException())) {
        return true;
      }
    }
    return false;
  }
}
