package dev.usermq.mq;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.usermq.repository.DependencyUnavailableException;
import dev.usermq.repository.rpc.AuthzCallException;
import dev.usermq.repository.rpc.GrpcAuthzSrv;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.lettuce.core.RedisCommandExecutionException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.List;
import java.util.Set;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.transaction.TransactionTimedOutException;

/**
 * Tells a transient failure (a dependency down, slow, frozen or answering with an error that says
 * nothing about the record) from any other. A transient failure is retried for as long as it lasts
 * and never sends a record to the DLQ.
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
          // the transaction ran past spring.transaction.default-timeout: the database is slow
          TransactionTimedOutException.class,
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

  /**
   * MySQL/MariaDB error codes that say the server cannot do the work now, not that the statement is
   * wrong. Spring translates the deadlock to a transient exception, but read-only and the lock wait
   * timeout come through MariaDB Connector/J as an {@code UncategorizedSQLException}, and any of
   * them raised by a commit as a {@link TransactionSystemException}.
   */
  private static final Set<Integer> TRANSIENT_SQL_ERRORS =
      Set.of(
          // ER_LOCK_WAIT_TIMEOUT: a row lock held by another transaction
          1205,
          // ER_LOCK_DEADLOCK: chosen as the deadlock victim, the transaction was rolled back
          1213,
          // ER_OPTION_PREVENTS_STATEMENT: read_only/super_read_only, a primary during a switch-over
          // (the other options it names do not apply to the statements of this service)
          1290,
          // ER_READ_ONLY_MODE: the storage engine is read-only
          1836,
          // ER_QUERY_INTERRUPTED: the statement was killed, e.g. by a failover tool
          1317,
          // ER_CONNECTION_KILLED (MariaDB): the connection was killed
          1927,
          // ER_STATEMENT_TIMEOUT (MariaDB), ER_QUERY_TIMEOUT (MySQL): the statement ran past the
          // query timeout that the transaction timeout sets
          1969,
          3024);

  /**
   * Redis error replies that say the server cannot serve now (loading its data, busy in a script, a
   * replica cut off from or not yet promoted to primary, the cluster resharding or down, out of
   * memory), not that the command is wrong. Spring Data Redis wraps all error replies alike as a
   * {@code RedisSystemException}, so the reply's first word decides.
   */
  private static final List<String> TRANSIENT_REDIS_REPLIES =
      List.of(
          "LOADING",
          "BUSY",
          "MASTERDOWN",
          "READONLY",
          "TRYAGAIN",
          "CLUSTERDOWN",
          "NOREPLICAS",
          "OOM");

  /** True if the failure or any of its causes is transient. */
  public boolean isTransient(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      for (Class<? extends Throwable> type : TRANSIENT) {
        if (type.isInstance(t)) {
          return true;
        }
      }
      if (t instanceof SQLException sql && isTransient(sql)) {
        return true;
      }
      if (t instanceof RedisCommandExecutionException redis && isTransient(redis)) {
        return true;
      }
      // a gRPC call made without GrpcAuthzSrv, which would have said DependencyUnavailable
      if (t instanceof StatusRuntimeException grpc
          && !GrpcAuthzSrv.rejectsRequest(grpc.getStatus().getCode())) {
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

  /**
   * True if the failure is a protobuf parse failure of the record itself. A parse failure inside a
   * dependency's reply (gRPC reports a reply it cannot parse as {@code INTERNAL} or {@code
   * CANCELLED} with the {@link InvalidProtocolBufferException} as the cause) is the dependency's
   * fault, not the record's: it is not a {@code PARSE_ERROR}.
   */
  public boolean isRecordParseError(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof InvalidProtocolBufferException) {
        return true;
      }
      if (isDependencyFailure(t)) {
        return false;
      }
    }
    return false;
  }

  /** An exception raised by a dependency's client, around whatever its cause is. */
  private static boolean isDependencyFailure(Throwable t) {
    return t instanceof DependencyUnavailableException
        || t instanceof AuthzCallException
        || t instanceof StatusRuntimeException
        || t instanceof StatusException
        || t instanceof DataAccessException
        || t instanceof io.lettuce.core.RedisException
        || t instanceof org.apache.kafka.common.KafkaException;
  }

  private static boolean isTransient(SQLException sql) {
    // e.g. the pool's "Connection is closed" (08003) when a rollback or commit finds the
    // connection gone because the database went down in the middle of the transaction
    return (sql.getSQLState() != null && sql.getSQLState().startsWith(CONNECTION_EXCEPTION))
        || TRANSIENT_SQL_ERRORS.contains(sql.getErrorCode());
  }

  private static boolean isTransient(RedisCommandExecutionException redis) {
    String reply = redis.getMessage();
    if (reply == null) {
      return false;
    }
    for (String prefix : TRANSIENT_REDIS_REPLIES) {
      if (reply.startsWith(prefix)
          && (reply.length() == prefix.length() || reply.charAt(prefix.length()) == ' ')) {
        return true;
      }
    }
    return false;
  }
}
