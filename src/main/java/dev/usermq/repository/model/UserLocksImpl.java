package dev.usermq.repository.model;

import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;

/** {@link UserLocks} through the service's {@code JdbcTemplate}. */
class UserLocksImpl implements UserLocks {

  static final String LOCK_BY_ID = "SELECT * FROM `user` WHERE id = ? FOR UPDATE";

  private static final RowMappers.OneUser USER = new RowMappers.OneUser();

  private final JdbcTemplate jdbc;

  UserLocksImpl(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public Optional<UserRow> lockById(long id) {
    return Optional.ofNullable(jdbc.query(LOCK_BY_ID, USER, id));
  }
}
