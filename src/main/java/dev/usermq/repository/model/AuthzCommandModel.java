package dev.usermq.repository.model;

import java.util.Collection;
import java.util.List;
import org.springframework.data.jdbc.repository.query.Modifying;
import org.springframework.data.jdbc.repository.query.Query;
import org.springframework.data.repository.ListCrudRepository;

/**
 * Table {@code authz_command}: CRUD from Spring Data JDBC plus the methods below; a new row is
 * saved by a written-out INSERT ({@link InsertingSave}) and a user's pending ones are locked by a
 * written-out read ({@link AuthzCommandLocks}).
 */
public interface AuthzCommandModel
    extends ListCrudRepository<AuthzCommandRow, Long>,
        InsertingSave<AuthzCommandRow>,
        AuthzCommandLocks {

  /** The commands of a message that were committed but not yet delivered. */
  @Query(
      "SELECT * FROM authz_command WHERE source_message_id = :sourceMessageId AND done_at IS NULL"
          + " ORDER BY id")
  List<AuthzCommandRow> findBySourceMessageIdAndDoneAtIsNullOrderById(String sourceMessageId);

  /**
   * The pending commands of several users in id order, locked until the transaction ends, as {@link
   * #lockPendingOf} does for one.
   */
  @Query(
      "SELECT * FROM authz_command WHERE user_id IN (:userIds) AND done_at IS NULL"
          + " ORDER BY id FOR UPDATE")
  List<AuthzCommandRow> lockPendingOfUsers(Collection<Long> userIds);

  /** Marks commands delivered. */
  @Modifying
  @Query("UPDATE authz_command SET done_at = CURRENT_TIMESTAMP(3) WHERE id IN (:ids)")
  int markDone(Collection<Long> ids);
}
