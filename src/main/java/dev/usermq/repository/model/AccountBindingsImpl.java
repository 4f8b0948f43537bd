package dev.usermq.repository.model;

import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;

/** {@link AccountBindings} through the service's {@code JdbcTemplate}. */
class AccountBindingsImpl implements AccountBindings {

  static final String FIND_BY_ACCOUNT =
      "SELECT id, user_id, platform, open_id, union_id, created_at FROM user_third_auth"
          + " WHERE platform = ? AND open_id = ?";

  private static final RowMappers.OneUserThirdAuth BINDING = new RowMappers.OneUserThirdAuth();

  private final JdbcTemplate jdbc;

  AccountBindingsImpl(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public Optional<UserThirdAuthRow> findByPlatformAndOpenId(String platform, String openId) {
    return Optional.ofNullable(jdbc.query(FIND_BY_ACCOUNT, BINDING, platform, openId));
  }
}
