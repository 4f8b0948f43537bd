package dev.usermq.repository.model;

import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;

/** {@link AuthzCommandLocks} through the service's {@code JdbcTemplate}. */
class AuthzCommandLocksImpl implements AuthzCommandLocks {

  static final String LOCK_PENDING_OF =
      "SELECT * FROM authz_command WHERE user_id = ? AND done_at IS NULL ORDER BY id FOR UPDATE";

  private static final RowMappers.AuthzCommands COMMANDS = new RowMappers.AuthzCommands();

  private final JdbcTemplate jdbc;

  AuthzCommandLocksImpl(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public List<AuthzCommandRow> lockPendingOf(long userId) {
    return jdbc.query(LOCK_PENDING_OF, COMMANDS, userId);
  }
}
