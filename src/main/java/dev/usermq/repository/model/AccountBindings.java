package dev.usermq.repository.model;

import java.util.Optional;

/**
 * The look-up of a third-party account's binding that every REGISTER and BIND makes, written out
 * once and sent through the service's {@code JdbcTemplate} (the caller's transaction, a caller's
 * deadline as the query timeout), where a {@code @Query} method would bind its parameters and
 * handle its result through Spring Data JDBC's query execution again on every call.
 */
public interface AccountBindings {

  /** The binding of a third-party account, whoever it belongs to. */
  Optional<UserThirdAuthRow> findByPlatformAndOpenId(String platform, String openId);
}
