package dev.usermq.repository.model;

import java.util.Optional;

/**
 * The locking read of {@code user} that a message's transaction decides under, written out once and
 * sent through the service's {@code JdbcTemplate} (the caller's transaction, a caller's deadline as
 * the query timeout), where a {@code @Query} method would bind its parameters and handle its result
 * through Spring Data JDBC's query execution again on every call.
 */
public interface UserLocks {

  /** Reads the user and locks the row until the transaction ends. */
  Optional<UserRow> lockById(long id);
}
