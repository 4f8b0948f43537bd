package dev.usermq.repository.model;

import java.time.LocalDateTime;
import org.springframework.data.annotation.Id;
import org.springframework.data.annotation.ReadOnlyProperty;
import org.springframework.data.relational.core.mapping.Table;

/** A row of {@code user_third_auth}: a third-party account bound to a user. */
@Table("user_third_auth")
public record UserThirdAuthRow(
    @Id Long id,
    long userId,
    String platform,
    String openId,
    String unionId,
    @ReadOnlyProperty LocalDateTime createdAt) {

  /** A binding to insert. */
  public static UserThirdAuthRow newBinding(
      long userId, String platform, String openId, String unionId) {
    return new UserThirdAuthRow(null, userId, platform, openId, unionId, null);
  }

  /** The row with the id the database gave it. */
  public UserThirdAuthRow withId(long id) {
    return new UserThirdAuthRow(id, userId, platform, openId, unionId, createdAt);
  }
}
