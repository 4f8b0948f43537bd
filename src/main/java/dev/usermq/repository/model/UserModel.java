package dev.usermq.repository.model;

import java.util.Optional;
import org.springframework.data.jdbc.repository.query.Modifying;
import org.springframework.data.jdbc.repository.query.Query;
import org.springframework.data.repository.ListCrudRepository;

/**
 * Table {@code user}. CRUD comes from Spring Data JDBC (the seed's generated model), but for the
 * save of a new user, a written-out INSERT ({@link InsertingSave}), and the locking read ({@link
 * UserLocks}); the methods below are the hand-written extension.
 *
 * <p>Cached reads go through {@link dev.usermq.repository.xredis.UserCache}; every write of a user
 * or of its bindings sets a new {@code cache_version} here and leaves a tombstone of it there.
 * Decisions inside a transaction use {@link #lockById}, never the cache.
 */
public interface UserModel
    extends ListCrudRepository<UserRow, Long>, InsertingSave<UserRow>, UserLocks {

  /** Sets the status and the cache version; true if the user exists. */
  @Modifying
  @Query("UPDATE `user` SET status = :status, cache_version = :cacheVersion WHERE id = :id")
  boolean updateStatus(long id, int status, long cacheVersion);

  /** Sets the cache version, for a write of the user's bindings; true if the user exists. */
  @Modifying
  @Query("UPDATE `user` SET cache_version = :cacheVersion WHERE id = :id")
  boolean updateCacheVersion(long id, long cacheVersion);

  /** The committed cache version of the user, if the user exists. */
  @Query("SELECT cache_version FROM `user` WHERE id = :id")
  Optional<Long> findCacheVersion(long id);
}
