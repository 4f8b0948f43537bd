package dev.usermq.repository.model;

import java.util.Collection;
import java.util.List;
import org.springframework.data.jdbc.repository.query.Query;
import org.springframework.data.repository.ListCrudRepository;

/**
 * The {@code auth_msg} ledger: CRUD from Spring Data JDBC, the statements of a record's path in
 * {@link AuthMsgLedger} and the read below. Its unique {@code message_id} is what stops a second
 * application once Redis has forgotten a message.
 */
public interface AuthMsgModel extends ListCrudRepository<AuthMsgRow, Long>, AuthMsgLedger {

  /** The ledger rows of those of the messages that were processed (a batch's look-up). */
  @Query("SELECT * FROM auth_msg WHERE message_id IN (:messageIds)")
  List<AuthMsgRow> findByMessageIdIn(Collection<String> messageIds);
}
