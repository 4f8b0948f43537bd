package dev.usermq.repository.model;

import java.time.LocalDateTime;
import org.springframework.data.annotation.Id;
import org.springframework.data.annotation.ReadOnlyProperty;
import org.springframework.data.relational.core.mapping.Table;

/**
 * A row of {@code user}. Timestamps are kept by the database.
 *
 * @param cacheVersion set anew by every write of the user or its bindings; orders cache entries
 */
@Table("user")
public record UserRow(
    @Id Long id,
    String nickname,
    String avatarUrl,
    int status,
    long cacheVersion,
    @ReadOnlyProperty LocalDateTime createdAt,
    @ReadOnlyProperty LocalDateTime updatedAt) {

  /** {@code status} of a user who can sign in. */
  public static final int ACTIVE = 1;

  /** {@code status} of a closed account; final, there is no way back. */
  public static final int DEACTIVATED = 2;

  /** A user to insert. */
  public static UserRow newActive(String nickname, String avatarUrl) {
    return new UserRow(null, nickname, avatarUrl, ACTIVE, 0, null, null);
  }

  public boolean isActive() {
    return status == ACTIVE;
  }

  /** The cache version the next write of this user sets. */
  public long nextCacheVersion() {
    return cacheVersion + 1;
  }

  /** The row with the id the database gave it. */
  public UserRow withId(long id) {
    return new UserRow(id, nickname, avatarUrl, status, cacheVersion, createdAt, updatedAt);
  }
}
