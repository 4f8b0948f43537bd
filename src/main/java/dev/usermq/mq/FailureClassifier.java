package dev.usermq.mq;

import dev.usermq.repository.DependencyUnavailableException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.List;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.CannotCreateTransactionException;

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

  /** True if the failure or any of its causes is transient. */
  public boolean isTransient(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      for (Class<? extends Throwable> type : TRANSIENT) {
        if (type.isInstance(t)) {
          return true;
        }
      }
    }
    return false;
  }
}
