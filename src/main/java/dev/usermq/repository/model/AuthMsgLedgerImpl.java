package dev.usermq.repository.model;

import org.springframework.jdbc.core.JdbcTemplate;

/** {@link AuthMsgLedger} through the service's {@code JdbcTemplate}. */
class AuthMsgLedgerImpl implements AuthMsgLedger {

  static final String CLAIM = "INSERT INTO auth_msg (message_id, kind, user_id) VALUES (?, ?, ?)";

  static final String MARK_AS_PROCESSED =
      "UPDATE auth_msg SET outcome = ?, user_id = ?, processed = 1,"
          + " process_time = CURRENT_TIMESTAMP(3) WHERE message_id = ?";

  private final JdbcTemplate jdbc;

  AuthMsgLedgerImpl(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public void claim(String messageId, String kind, long userId) {
    jdbc.update(CLAIM, messageId, kind, userId);
  }

  @Override
  public boolean markAsProcessed(String messageId, String outcome, long userId) {
    return jdbc.update(MARK_AS_PROCESSED, outcome, userId, messageId) > 0;
  }
}
