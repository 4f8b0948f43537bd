package dev.usermq.repository;

import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.springframework.dao.QueryTimeoutException;

/**
 * A deadline for the SQL statements a thread sends while it works for a caller who waits only so
 * long (a gRPC call's deadline): every statement sent {@link #within} it gets the time left as its
 * query timeout, so that a read the database holds up (a table lock, an overloaded server) is cut
 * off by the database about when the caller gives up, and its pooled connection is free again,
 * instead of waiting for the socket timeout. Statements outside of it (the MQ side, whose
 * transactions have their own timeout) are left as they are.
 *
 * <p>JDBC counts query timeouts in whole seconds, so the time left is rounded up: a statement ends
 * at most a second after the deadline. A statement due after the deadline is not sent at all.
 */
public class StatementDeadline {

  private static final long SECOND = 1_000_000_000L;

  /** The deadline of this thread's statements, on the clock's scale; null when there is none. */
  private final ThreadLocal<Long> deadline = new ThreadLocal<>();

  private final LongSupplier nanoClock;

  public StatementDeadline() {
    this(System::nanoTime);
  }

  /** With a clock in nanoseconds ({@link System#nanoTime} or a test's). */
  StatementDeadline(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
  }

  /**
   * Runs the work with a deadline {@code timeLeft} from now for its statements (or the deadline
   * already in force, if it is sooner).
   */
  public <T> T within(Duration timeLeft, Supplier<T> work) {
    Long outer = deadline.get();
    long mine = nanoClock.getAsLong() + timeLeft.toNanos();
    deadline.set(outer != null && outer - mine < 0 ? outer : mine);
    try {
      return work.get();
    } finally {
      if (outer == null) {
        deadline.remove();
      } else {
        deadline.set(outer);
      }
    }
  }

  /**
   * Gives a statement about to be sent the time left as its query timeout, unless its own timeout
   * (a transaction's) is shorter.
   *
   * @throws QueryTimeoutException if the deadline has passed: the statement is not sent
   */
  public void applyTo(Statement statement) throws SQLException {
    Long due = deadline.get();
    if (due == null) {
      return;
    }
    long left = due - nanoClock.getAsLong();
    if (left <= 0) {
      throw new QueryTimeoutException("the caller's deadline passed before the statement was sent");
    }
    int seconds = (int) Math.min(Integer.MAX_VALUE, (left + SECOND - 1) / SECOND);
    int own = statement.getQueryTimeout();
    if (own == 0 || seconds < own) {
      statement.setQueryTimeout(seconds);
    }
  }
}
