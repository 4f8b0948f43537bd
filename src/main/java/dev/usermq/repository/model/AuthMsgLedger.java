package dev.usermq.repository.model;

/**
 * The two writes every applied message makes to the {@code auth_msg} ledger, as statements written
 * out once and sent through the service's {@code JdbcTemplate} (the caller's transaction, a
 * caller's deadline as the query timeout), where Spring Data JDBC would bind each call's parameters
 * through its conversions again.
 */
public interface AuthMsgLedger {

  /**
   * Inserts the unprocessed ledger row of a message. The unique key makes a concurrent copy of the
   * same message wait for this transaction and then fail with a duplicate key.
   */
  void claim(String messageId, String kind, long userId);

  /** Records the outcome of a claimed message and marks it processed. */
  boolean markAsProcessed(String messageId, String outcome, long userId);
}
