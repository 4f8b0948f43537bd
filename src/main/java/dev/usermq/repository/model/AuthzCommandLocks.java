package dev.usermq.repository.model;

import java.util.List;

/**
 * The locking read that delivers a user's authz commands, written out once and sent through the
 * service's {@code JdbcTemplate} (the caller's transaction, a caller's deadline as the query
 * timeout), where a {@code @Query} method would bind its parameters and handle its result through
 * Spring Data JDBC's query execution again on every call.
 */
public interface AuthzCommandLocks {

  /**
   * The user's pending commands in id order, locked until the transaction ends: whoever delivers
   * them makes every other deliverer of this user's commands wait (its own lock request meets the
   * oldest of these rows first), so they reach authz in id order.
   */
  List<AuthzCommandRow> lockPendingOf(long userId);
}
