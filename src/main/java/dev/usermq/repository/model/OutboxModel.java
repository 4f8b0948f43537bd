package dev.usermq.repository.model;

import java.util.Collection;
import java.util.List;
import org.springframework.data.jdbc.repository.query.Modifying;
import org.springframework.data.jdbc.repository.query.Query;
import org.springframework.data.repository.ListCrudRepository;

/**
 * Table {@code outbox}: CRUD from Spring Data JDBC plus the methods below; a new row is saved by a
 * written-out INSERT ({@link InsertingSave}).
 */
public interface OutboxModel extends ListCrudRepository<OutboxRow, Long>, InsertingSave<OutboxRow> {

  /** The events of a message that were committed but not yet published. */
  @Query(
      "SELECT * FROM outbox WHERE source_message_id = :sourceMessageId AND sent_at IS NULL"
          + " ORDER BY id")
  List<OutboxRow> findBySourceMessageIdAndSentAtIsNullOrderById(String sourceMessageId);

  /** Marks events published. */
  @Modifying
  @Query("UPDATE outbox SET sent_at = CURRENT_TIMESTAMP(3) WHERE id IN (:ids) AND sent_at IS NULL")
  int markSent(Collection<Long> ids);
}
