package dev.usermq.repository.model;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.data.jdbc.repository.query.Modifying;
import org.springframework.data.jdbc.repository.query.Query;
import org.springframework.data.repository.ListCrudRepository;

/**
 * The {@code auth_msg} ledger: CRUD from Spring Data JDBC plus the methods below. Its unique {@code
 * message_id} is what stops a second application once Redis has forgotten a message.
 */
public interface AuthMsgModel extends ListCrudRepository<AuthMsgRow, Long> {

  /**
   * The ledger row of a message, if it was processed. Read for every record: its SQL is written
   * out, parsed once, where a derived query would be rendered again on every call.
   */
  @Query(
      value = "SELECT * FROM auth_msg WHERE message_id = :messageId",
      resultSetExtractorClass = RowMappers.OneAuthMsg.class)
  Optional<AuthMsgRow> findByMessageId(String messageId);

  /** The ledger rows of those of the messages that were processed (a batch's look-up). */
  @Query("SELECT * FROM auth_msg WHERE message_id IN (:messageIds)")
  List<AuthMsgRow> findByMessageIdIn(Collection<String> messageIds);

  /**
   * Inserts the unprocessed ledger row of a message. The unique key makes a concurrent copy of the
   * same message wait for this transaction and then fail with a duplicate key.
   */
  @Modifying
  @Query("INSERT INTO auth_msg (message_id, kind, user_id) VALUES (:messageId, :kind, :userId)")
  void claim(String messageId, String kind, long userId);

  /** Records the outcome of a claimed message and marks it processed. */
  @Modifying
  @Query(
      "UPDATE auth_msg SET outcome = :outcome, user_id = :userId, processed = 1,"
          + " process_time = CURRENT_TIMESTAMP(3) WHERE message_id = :messageId")
  boolean markAsProcessed(String messageId, String outcome, long userId);
}
