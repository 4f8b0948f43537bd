package dev.usermq.support;

import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Reads of the tables a test checks. */
public record Db(JdbcClient jdbc) {

  /** The user bound to the account, if any. */
  public Optional<Long> userOf(String platform, String openId) {
    return jdbc.sql("SELECT user_id FROM user_third_auth WHERE platform = ? AND open_id = ?")
        .params(platform, openId)
        .query(Long.class)
        .optional();
  }

  public int userStatus(long userId) {
    return jdbc.sql("SELECT status FROM `user` WHERE id = ?")
        .param(userId)
        .query(Integer.class)
        .single();
  }

  /** The ledger outcome of a message, if it has a row. */
  public Optional<String> outcome(String messageId) {
    return jdbc.sql("SELECT outcome FROM auth_msg WHERE message_id = ? AND processed = 1")
        .param(messageId)
        .query(String.class)
        .optional();
  }

  /** How many transactions wait for a row lock another holds. */
  public int transactionsWaitingForALock() {
    return jdbc.sql(
            "SELECT COUNT(*) FROM information_schema.innodb_trx WHERE trx_state = 'LOCK WAIT'")
        .query(Integer.class)
        .single();
  }

  /** The user of a message's ledger row. */
  public long ledgerUser(String messageId) {
    return jdbc.sql("SELECT user_id FROM auth_msg WHERE message_id = ?")
        .param(messageId)
        .query(Long.class)
        .single();
  }

  public int ledgerRows(String messageId) {
    return jdbc.sql("SELECT COUNT(*) FROM auth_msg WHERE message_id = ?")
        .param(messageId)
        .query(Integer.class)
        .single();
  }

  public int bindingsOf(long userId) {
    return jdbc.sql("SELECT COUNT(*) FROM user_third_auth WHERE user_id = ?")
        .param(userId)
        .query(Integer.class)
        .single();
  }

  /** The user's authz commands not marked done, oldest first (flush the delivery marks first). */
  public List<String> pendingAuthzCommands(long userId) {
    return jdbc.sql(
            "SELECT command FROM authz_command WHERE user_id = ? AND done_at IS NULL ORDER BY id")
        .param(userId)
        .query(String.class)
        .list();
  }

  /**
   * A message's events not marked sent and authz commands not marked done: they are delivered
   * behind the record, and their marks written a little later still ({@code DeliveryMarks}).
   */
  public int undeliveredSideEffects(String messageId) {
    return jdbc.sql(
            "SELECT (SELECT COUNT(*) FROM outbox WHERE source_message_id = ? AND sent_at IS NULL)"
                + " + (SELECT COUNT(*) FROM authz_command"
                + " WHERE source_message_id = ? AND done_at IS NULL)")
        .params(messageId, messageId)
        .query(Integer.class)
        .single();
  }
}
