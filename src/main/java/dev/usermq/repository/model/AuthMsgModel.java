package dev.usermq.repository.model;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.data.jdbc.repository.query.Query;
import org.springframework.data.repository.ListCrudRepository;

/**
 * The {@code auth_msg} ledger: CRUD from Spring Data JDBC, the writes of {@link AuthMsgLedger} and
 * the reads below. Its unique {@code message_id} is what stops a second application once Redis has
 * forgotten a message.
 */
public interface AuthMsgModel extends ListCrudRepository<AuthMsgRow, Long>, AuthMsgLedger {

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
}
