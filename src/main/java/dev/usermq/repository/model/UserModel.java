package dev.usermq.repository.model;

import java.util.Optional;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.data.jdbc.repository.query.Modifying;
import org.springframework.data.jdbc.repository.query.Query;
import org.springframework.data.repository.ListCrudRepository;

/**
 * Table {@code user}. CRUD comes from Spring Data JDBC (the seed's generated model); the methods
 * below are the hand-written extension.
 *
 * <p>Reads by id go through the Redis cache (cache-aside); every write of a user evicts its entry,
 * after the transaction commits. Decisions inside a transaction use {@link #lockById}, never the
 * cache.
 */
public interface UserModel extends ListCrudRepository<UserRow, Long> {

  /** Name of the cache of users by id. */
  String CACHE = "user";

  @Override
  @Cacheable(cacheNames = CACHE, key = "#p0", unless = "#result == null")
  Optional<UserRow> findById(Long id);

  @Override
  @CacheEvict(cacheNames = CACHE, key = "#p0.id", condition = "#p0.id != null")
  <S extends UserRow> S save(S user);

  @Override
  @CacheEvict(cacheNames = CACHE, key = "#p0")
  void deleteById(Long id);

  /** Reads the user and locks the row until the transaction ends. */
  @Query("SELECT * FROM `user` WHERE id = :id FOR UPDATE")
  Optional<UserRow> lockById(long id);

  /** Sets the status; true if the user exists. */
  @Modifying
  @CacheEvict(cacheNames = CACHE, key = "#p0")
  @Query("UPDATE `user` SET status = :status WHERE id = :id")
  boolean updateStatus(long id, int status);
}
