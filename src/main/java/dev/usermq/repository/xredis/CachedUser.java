package dev.usermq.repository.xredis;

import dev.usermq.repository.model.UserRow;
import dev.usermq.repository.model.UserThirdAuthRow;
import java.util.Comparator;
import java.util.List;

/**
 * What the user cache holds for a user: the row and its bindings, as of one cache version.
 *
 * @param user the row; its {@code cacheVersion} is the version of the whole entry
 * @param thirdAuths the accounts bound to the user, ordered by platform, then open id
 */
public record CachedUser(UserRow user, List<UserThirdAuthRow> thirdAuths) {

  /** The order of {@link #thirdAuths}: by platform, then open id, compared case-sensitively. */
  public static final Comparator<UserThirdAuthRow> BINDING_ORDER =
      Comparator.comparing(UserThirdAuthRow::platform).thenComparing(UserThirdAuthRow::openId);

  public CachedUser {
    // null only in an entry of another format, which the cache reads as a miss
    thirdAuths = thirdAuths == null ? null : thirdAuths.stream().sorted(BINDING_ORDER).toList();
  }

  /** Whether the account is bound to this user in this entry. */
  public boolean isBound(String platform, String openId) {
    return thirdAuths.stream()
        .anyMatch(b -> b.platform().equals(platform) && b.openId().equals(openId));
  }
}
