package dev.usermq.repository.xredis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.usermq.repository.model.UserModel;
import dev.usermq.repository.model.UserRow;
import dev.usermq.repository.model.UserThirdAuthModel;
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
 * <prefix>:cache:user:<id>}: the row with the accounts bound to it ({@link CachedUser}). Every
 * entry carries the row's {@code cache_version}, and every write of a user or of its bindings bumps
 * that version in its transaction and leaves a tombstone of the new version in Redis, before the
 * commit and again after it. An entry is only ever replaced by one of the same or a newer version,
 * so a read that loaded the row before a write committed cannot put the old row back after the
 * write's tombstone: a read that follows a committed write sees it. A miss reads the row before its
 * bindings: bindings read after the row are as new as the row or newer, and newer ones come with a
 * newer version, whose tombstone keeps the entry out.
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
  private final UserThirdAuthModel bindings;
  private final ObjectMapper json;
  private final String keySpace;
  private final Duration ttl;

  public UserCache(
      StringRedisTemplate redis,
      UserModel users,
      UserThirdAuthModel bindings,
      ObjectMapper json,
      String prefix,
      Duration ttl) {
    this.redis = redis;
    this.users = users;
    this.bindings = bindings;
    this.json = json;
    this.keySpace = prefix + ":cache:user:";
    this.ttl = ttl;
  }

  /** The user, from Redis when it holds the current entry, else from the database. */
  public Optional<UserRow> findById(long id) {
    return findWithThirdAuths(id).map(CachedUser::user);
  }

  /**
   * The user with its bindings, from Redis when it holds the current entry, else from the database
   * (and then cached unless Redis holds a newer version).
   */
  public Optional<CachedUser> findWithThirdAuths(long id) {
    String key = keySpace + id;
    String cached;
    try {
      cached = redis.opsForValue().get(key);
    } catch (DataAccessException e) {
      log.warn("user cache unavailable, reading user {} from the database: {}", id, e.toString());
      return load(id);
    }
    Optional<CachedUser> hit = cached == null ? Optional.empty() : entry(id, cached);
    if (hit.isPresent()) {
      return hit;
    }
    Optional<CachedUser> user = load(id);
    user.ifPresent(this::put);
    return user;
  }

  /** The row first, then its bindings: see the class comment for why in this order. */
  private Optional<CachedUser> load(long id) {
    return users.findById(id).map(row -> new CachedUser(row, bindings.findByUserId(row.id())));
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

  /** Caches the user unless Redis holds a newer version of it. */
  void put(CachedUser user) {
    UserRow row = user.user();
    try {
      redis.execute(
          PUT_UNLESS_NEWER,
          List.of(keySpace + row.id()),
          Long.toString(row.cacheVersion()),
          json.writeValueAsString(user),
          millis());
    } catch (DataAccessException e) {
      log.warn("user {} not cached: {}", row.id(), e.toString());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("user " + row.id() + " cannot be written as JSON", e);
    }
  }

  /**
   * The user of an entry; empty for a tombstone, or an entry that cannot be read (a miss), such as
   * one of the former format that held the row alone.
   */
  private Optional<CachedUser> entry(long id, String cached) {
    int sep = cached.indexOf('|');
    if (sep < 0 || sep == cached.length() - 1) {
      return Optional.empty();
    }
    try {
      CachedUser user = json.readValue(cached.substring(sep + 1), CachedUser.class);
      return user.user() == null || user.thirdAuths() == null
          ? Optional.empty()
          : Optional.of(user);
    } catch (JsonProcessingException e) {
      log.warn("cached user {} cannot be read, reading the database: {}", id, e.toString());
      return Optional.empty();
    }
  }

  private String millis() {
    return Long.toString(ttl.toMillis());
  }
}
