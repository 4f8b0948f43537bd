package dev.usermq.repository;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.dao.QueryTimeoutException;

class StatementDeadlineTest {

  private final AtomicLong clock = new AtomicLong(1_000_000_000_000L);
  private final StatementDeadline deadline = new StatementDeadline(clock::get);
  private final Statement statement = mock(Statement.class);

  @Test
  void aStatementOutsideOfADeadlineIsLeftAsItIs() throws Exception {
    deadline.applyTo(statement);

    verifyNoInteractions(statement);
  }

  @Test
  void theTimeLeftRoundedUpToWholeSecondsIsTheQueryTimeout() throws Exception {
    deadline.within(
        Duration.ofMillis(1_500),
        () -> {
          apply(statement);
          return null;
        });
    verify(statement).setQueryTimeout(2);

    Statement later = mock(Statement.class);
    deadline.within(
        Duration.ofMillis(2_000),
        () -> {
          clock.addAndGet(Duration.ofMillis(1_700).toNanos());
          apply(later);
          return null;
        });
    verify(later).setQueryTimeout(1);
  }

  @Test
  void aShorterTimeoutOfTheStatementsOwnIsKept() throws Exception {
    when(statement.getQueryTimeout()).thenReturn(3);

    deadline.within(
        Duration.ofSeconds(10),
        () -> {
          apply(statement);
          return null;
        });

    verify(statement, never()).setQueryTimeout(10);
  }

  @Test
  void aStatementDueAfterTheDeadlineIsNotSent() {
    assertThatThrownBy(
            () ->
                deadline.within(
                    Duration.ofSeconds(1),
                    () -> {
                      clock.addAndGet(Duration.ofSeconds(1).toNanos());
                      apply(statement);
                      return null;
                    }))
        .isInstanceOf(QueryTimeoutException.class);
    verifyNoInteractions(statement);
  }

  @Test
  void anInnerDeadlineNeverExtendsTheOuterOneAndEndsWithItsWork() throws Exception {
    Statement inner = mock(Statement.class);
    Statement outer = mock(Statement.class);

    deadline.within(
        Duration.ofSeconds(2),
        () -> {
          deadline.within(
              Duration.ofSeconds(30),
              () -> {
                apply(inner);
                return null;
              });
          apply(outer);
          return null;
        });
    deadline.applyTo(statement);

    verify(inner).setQueryTimeout(2);
    verify(outer).setQueryTimeout(2);
    verifyNoInteractions(statement);
  }

  private void apply(Statement s) {
    try {
      deadline.applyTo(s);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
