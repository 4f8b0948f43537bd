package dev.usermq.repository.model;

import java.util.List;
import java.util.Optional;

/**
 * The statements a record makes on the {@code auth_msg} ledger, its look-up and the two writes of
 * every applied message, written out once and sent through the service's {@code JdbcTemplate} (the
 * caller's transaction, a caller's deadline as the query timeout), where Spring Data JDBC would
 * bind each call's parameters through its conversions again. A batch of messages makes each write
 * once for all of them.
 */
public interface AuthMsgLedger {

  /** The ledger row of a message, if it was processed or claimed by a committed transaction. */
  Optional<AuthMsgRow> findByMessageId(String messageId);

  /**
   * Inserts the unprocessed ledger row of a message. The unique key makes a concurrent copy of the
   * same message wait for this transaction and then fail with a duplicate key.
   */
  void claim(String messageId, String kind, long userId);

  /** Records the outcome of a claimed message and marks it processed. */
  boolean markAsProcessed(String messageId, String outcome, long userId);

  /**
   * {@link #claim} for several messages, whose ids must differ, in one statement (a few for a great
   * many): a message already in the ledger, or claimed by a concurrent transaction that then
   * commits, fails them all with a duplicate key.
   */
  void claimAll(List<Claim> claims);

  /**
   * {@link #markAsProcessed} for several claimed messages, whose ids must differ, in one statement
   * (a few for a great many); returns how many rows it updated.
   */
  int markAllAsProcessed(List<Processed> outcomes);

  /** The ledger row a message claims. */
  record Claim(String messageId, String kind, long userId) {}

  /** The outcome of a claimed message. */
  record Processed(String messageId, String outcome, long userId) {}
}
