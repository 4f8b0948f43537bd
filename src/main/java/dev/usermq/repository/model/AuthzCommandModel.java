package dev.usermq.repository.model;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jdbc.repository.query.Modifying;
import org.springframework.data.jdbc.repository.query.Query;
import org.springframework.data.repository.ListCrudRepository;

/** Table {@code authz_command}: CRUD from Spring Data JDBC plus the methods below. */
public interface AuthzCommandModel extends ListCrudRepository<AuthzCommandRow, Long> {

  /** The commands of a message that were committed but not yet delivered. */
  List<AuthzCommandRow> findBySourceMessageIdAndDoneAtIsNullOrderById(String sourceMessageId);

  /**
   * The user's oldest pending command, locked until the transaction ends: whoever delivers it makes
   * every other deliverer of this user's commands wait, so they reach authz in id order.
   */
  @Query(
      "SELECT * FROM authz_command WHERE user_id = :userId AND done_at IS NULL"
          + " ORDER BY id LIMIT 1 FOR UPDATE")
  Optional<AuthzCommandRow> lockOldestPendingOf(long userId);

  /** Marks a command delivered. */
  @Modifying
  @Query("UPDATE authz_command SET done_at = CURRENT_TIMESTAMP(3) WHERE id = :id")
  boolean markDone(long id);

  /**
   * The oldest pending command of each user above {@code afterUserId} that has a command pending
   * for longer than the given age (left behind by a crash or an outage), by user id.
   */
  @Query(
      "SELECT c.* FROM authz_command c JOIN ("
          + "SELECT MIN(id) AS id FROM authz_command WHERE done_at IS NULL"
          + " AND created_at < CURRENT_TIMESTAMP(3) - INTERVAL :ageSeconds SECOND"
          + " AND user_id > :afterUserId GROUP BY user_id ORDER BY user_id LIMIT :limit) p"
          + " ON c.id = p.id ORDER BY c.user_id")
  List<AuthzCommandRow> findOldestPendingPerUser(long ageSeconds, long afterUserId, int limit);
}
