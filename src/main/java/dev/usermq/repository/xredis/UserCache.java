package dev.usermq.repository.xredis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.usermq.repository.model.UserModel;
import dev.usermq.repository.model.UserRow;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Cache-aside of users by id in Redis (the seed's cached model), under {@code
 * <prefix>:cache:user:<id>}. Every entry carries the row's {@code cache_version}, and every write
 * of a user bumps that version in its transaction and leaves a tombstone of the new version in
 * Redis, before the commit and again after it. An entry is only ever replaced by one of the same or
 * a newer version, so a read that loaded the row before a write committed cannot put the old row
 * back after the write's tombstone: a read that follows a committed write sees it.
 *
 * <p>Redis out of reach on a read is not fatal: the database answers, and nothing is cached.
 */
public class UserCache {

  private static final Logger log = LoggerFactory.getLogger(UserCache.class);

  /**
   * Sets {@code <version>|<row json>} (a tombstone has no json) unless the key holds a newer
   * version. KEYS[1] the key; ARGV: version, json or empty, TTL in ms. Returns 1 if set.
   */
  private static final RedisScript<Long> PUT_UNLESS_NEWER =
      RedisScript.of(
          """
          local current = redis.call('GET', KEYS[1])
          if current then
            local sep = string.find(current, '|', 1, true)
            local version = sep and tonumber(string.sub(current, 1, sep - 1))
            if version and version > tonumber(ARGV[1]) then
              return 0
            end
          end
          redis.call('SET', KEYS[1], ARGV[1] .. '|' .. ARGV[2], 'PX', ARGV[3])
          return 1
          """,
          Long.class);

  private final StringRedisTemplate redis;
  private final UserModel users;
  private final ObjectMapper json;
  private final String keySpace;
  private final Duration ttl;

  public UserCache(
      StringRedisTemplate redis, UserModel users, ObjectMapper json, String prefix, Duration ttl) {
    this.redis = redis;
    this.users = users;
    this.json = json;
    this.keySpace = prefix + ":cache:user:";
    this.ttl = ttl;
  }

  /** The user, from Redis when it holds the current entry, else from the database. */
  public Optional<UserRow> findById(long id) {
    String key = keySpace + id;
    String cached;
    try {
      cached = redis.opsForValue().get(key);
    } catch (DataAccessException e) {
      log.warn("user cache unavailable, reading user {} from the database: {}", id, e.toString());
      return users.findById(id);
    }
    Optional<UserRow> hit = cached == null ? Optional.empty() : entry(id, cached);
    if (hit.isPresent()) {
      return hit;
    }
    Optional<UserRow> row = users.findById(id);
    row.ifPresent(this::put);
    return row;
  }

  /**
   * Leaves a tombstone of the user's version: no entry older than it can be put afterwards. Called
   * by writers in their transaction with the version they wrote (a failure rolls the write back),
   * and after the commit through {@link #invalidateCommitted}.
   */
  public void invalidate(long id, long version) {
    redis.execute(PUT_UNLESS_NEWER, List.of(keySpace + id), Long.toString(version), "", millis());
  }

  /** Leaves a tombstone of the user's committed version; nothing if there is no such user. */
  public void invalidateCommitted(long id) {
    users.findCacheVersion(id).ifPresent(version -> invalidate(id, version));
  }

  /** Caches the row unless Redis holds a newer version of it. */
  void put(UserRow row) {
    try {
      redis.execute(
          PUT_UNLESS_NEWER,
          List.of(keySpace + row.id()),
          Long.toString(row.cacheVersion()),
          json.writeValueAsString(row),
          millis());
    } catch (DataAccessException e) {
      log.warn("user {} not cached: {}", row.id(), e.toString());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("user " + row.id() + " cannot be written as JSON", e);
    }
  }

  /** The row of an entry; empty for a tombstone, or an entry that cannot be read (a miss). */
  private Optional<UserRow> entry(long id, String cached) {
    int sep = cached.indexOf('|');
    if (sep < 0 || sep == cached.length() - 1) {
      return Optional.empty();
    }
    try {
      return Optional.of(json.readValue(cached.substring(sep + 1), UserRow.class));
    } catch (JsonProcessingException e) {
      log.warn("cached user {} cannot be read, reading the database: {}", id, e.toString());
      return Optional.empty();
    }
  }

  private String millis() {
    return Long.toString(ttl.toMillis());
  }
}
