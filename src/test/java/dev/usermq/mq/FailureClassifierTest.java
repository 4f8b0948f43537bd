package dev.usermq.mq;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usermq.repository.DependencyUnavailableException;
import dev.usermq.repository.rpc.AuthzCallException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import org.apache.camel.CamelExecutionException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.junit.jupiter.api.Test;

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
                    "wrapped", null, new org.apache.kafka.common.errors.TimeoutException("broker"))))
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
    hidingTheCause.initApplicationException(new DataAccessResourceFailureException("socket closed"));
    assertThat(classifier.isTransient(hidingTheCause)).isTrue();
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
  }
}
