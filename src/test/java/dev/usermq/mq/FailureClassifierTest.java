package dev.usermq.mq;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.usermq.repository.DependencyUnavailableException;
import dev.usermq.repository.rpc.AuthzCallException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lettuce.core.internal.ExceptionFactory;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.util.List;
import org.apache.camel.CamelExecutionException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.RedisSystemException;
import org.springframework.data.redis.connection.lettuce.LettuceExceptionConverter;
import org.springframework.data.relational.core.conversion.DbActionExecutionException;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.transaction.TransactionTimedOutException;

class FailureClassifierTest {

  private final FailureClassifier classifier = new FailureClassifier();

  @Test
  void unreachableDependenciesAreTransientEvenWhenWrapped() {
    assertThat(classifier.isTransient(new DependencyUnavailableException("authz", null))).isTrue();
    assertThat(classifier.isTransient(new RedisConnectionFailureException("redis down"))).isTrue();
    assertThat(
            classifier.isTransient(
                new CannotCreateTransactionException(
                    "no connection", new SQLNonTransientConnectionException("refused"))))
        .isTrue();
    assertThat(
            classifier.isTransient(
                new CamelExecutionException(
                    "wrapped",
                    null,
                    new org.apache.kafka.common.errors.TimeoutException("broker"))))
        .isTrue();
  }

  @Test
  void aTransactionThatLostItsConnectionIsTransient() {
    // the database went down mid-transaction: the pool marked the connection broken, and the
    // rollback then failed on the closed connection (found by the fault suite, MariaDB stopped)
    TransactionSystemException rollbackFailed =
        new TransactionSystemException(
            "JDBC rollback failed", new SQLException("Connection is closed", "08003"));
    assertThat(classifier.isTransient(rollbackFailed)).isTrue();

    TransactionSystemException hidingTheCause =
        new TransactionSystemException("JDBC rollback failed", new SQLException("rollback failed"));
    hidingTheCause.initApplicationException(
        new DataAccessResourceFailureException("socket closed"));
    assertThat(classifier.isTransient(hidingTheCause)).isTrue();
  }

  /** What Spring Data Redis makes of an error reply: Lettuce's exception in its converter. */
  private static Exception redisReply(String reply) {
    return new LettuceExceptionConverter()
        .convert(ExceptionFactory.createExecutionException(reply));
  }

  @Test
  void redisAnsweringThatItCannotServeNowIsTransient() {
    // Spring wraps these as RedisSystemException, which is not a transient DataAccessException
    for (String reply :
        List.of(
            "LOADING Redis is loading the dataset in memory",
            "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN"
                + " NOSAVE.",
            "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.",
            "READONLY You can't write against a read only replica.",
            "TRYAGAIN Multiple keys request during rehashing of slot",
            "CLUSTERDOWN The cluster is down",
            "NOREPLICAS Not enough good replicas to write.",
            "OOM command not allowed when used memory > 'maxmemory'.")) {
      Exception converted = redisReply(reply);
      assertThat(converted).as(reply).isInstanceOf(RedisSystemException.class);
      assertThat(classifier.isTransient(converted)).as(reply).isTrue();
    }
  }

  @Test
  void redisRejectingTheCommandItselfIsNotTransient() {
    assertThat(
            classifier.isTransient(
                redisReply("WRONGTYPE Operation against a key holding the wrong kind of value")))
        .isFalse();
    assertThat(classifier.isTransient(redisReply("ERR syntax error"))).isFalse();
    assertThat(classifier.isTransient(redisReply("NOSCRIPT No matching script."))).isFalse();
  }

  /** A MariaDB/MySQL error as the driver raises it, under Spring Data JDBC's wrapper. */
  private static Exception sqlError(int code, String state, String message) {
    SQLException driver = new SQLException(message, state, code);
    return new DbActionExecutionException(
        null, new UncategorizedSQLException("UPDATE user", "UPDATE user", driver));
  }

  @Test
  void databaseErrorsOfASwitchOverOrOfLockingAreTransient() {
    assertThat(
            classifier.isTransient(
                sqlError(
                    1290,
                    "HY000",
                    "The MariaDB server is running with the --read-only option so it cannot"
                        + " execute this statement")))
        .isTrue();
    assertThat(classifier.isTransient(sqlError(1836, "HY000", "Running in read-only mode")))
        .isTrue();
    assertThat(
            classifier.isTransient(
                sqlError(1205, "HY000", "Lock wait timeout exceeded; try restarting transaction")))
        .isTrue();
    assertThat(
            classifier.isTransient(
                sqlError(1213, "40001", "Deadlock found when trying to get lock")))
        .isTrue();
    assertThat(classifier.isTransient(sqlError(1927, "70100", "Connection was killed"))).isTrue();
    assertThat(
            classifier.isTransient(
                sqlError(1969, "70100", "Query execution was interrupted (max_statement_time)")))
        .isTrue();
    // at commit, Spring's transaction manager reports it as a TransactionSystemException
    assertThat(
            classifier.isTransient(
                new TransactionSystemException(
                    "Could not commit JDBC transaction",
                    new SQLException("Deadlock found", "40001", 1213))))
        .isTrue();
  }

  @Test
  void aTransactionPastItsTimeoutIsTransient() {
    assertThat(
            classifier.isTransient(
                new TransactionTimedOutException("Transaction timed out: deadline was now")))
        .isTrue();
  }

  @Test
  void aParseErrorIsTheRecordsOnlyWhenNoDependencyReplyWrapsIt() {
    InvalidProtocolBufferException parse = new InvalidProtocolBufferException("truncated");
    assertThat(classifier.isRecordParseError(parse)).isTrue();
    assertThat(classifier.isRecordParseError(new CamelExecutionException("wrapped", null, parse)))
        .isTrue();

    // what the gRPC client raises for a reply it cannot parse
    StatusRuntimeException badReply =
        Status.INTERNAL
            .withDescription("Invalid protobuf byte sequence")
            .withCause(parse)
            .asRuntimeException();
    assertThat(classifier.isRecordParseError(badReply)).isFalse();
    assertThat(
            classifier.isRecordParseError(
                new DependencyUnavailableException("authz GrantRole: INTERNAL", badReply)))
        .isFalse();
    assertThat(
            classifier.isRecordParseError(
                new AuthzCallException("authz GrantRole failed", badReply)))
        .isFalse();
    assertThat(classifier.isRecordParseError(new IllegalStateException("bug"))).isFalse();
  }

  @Test
  void errorsThatRetryingWillNotCureAreNotTransient() {
    assertThat(classifier.isTransient(new AuthzCallException("denied", null))).isFalse();
    assertThat(classifier.isTransient(new DataIntegrityViolationException("too long"))).isFalse();
    assertThat(classifier.isTransient(new DuplicateKeyException("dup"))).isFalse();
    assertThat(classifier.isTransient(new IllegalStateException("bug"))).isFalse();
    assertThat(classifier.isTransient(new SQLException("Data truncation", "22001"))).isFalse();
    assertThat(
            classifier.isTransient(
                new TransactionSystemException("commit failed", new SQLException("bad", "HY000"))))
        .isFalse();
    // MySQL/MariaDB errors about the statement: too long, duplicate, unknown column
    assertThat(classifier.isTransient(sqlError(1406, "22001", "Data too long for column")))
        .isFalse();
    assertThat(classifier.isTransient(sqlError(1062, "23000", "Duplicate entry"))).isFalse();
    assertThat(classifier.isTransient(sqlError(1054, "42S22", "Unknown column"))).isFalse();
  }
}
