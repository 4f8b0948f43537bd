package dev.usermq.repository.model;

import java.util.Collection;
import java.util.List;
import org.springframework.data.jdbc.repository.query.Modifying;
import org.springframework.data.jdbc.repository.query.Query;
import org.springframework.data.repository.ListCrudRepository;

/**
 * Table {@code user_third_auth}: CRUD from Spring Data JDBC plus the methods below; a new row is
 * saved by a written-out INSERT ({@link InsertingSave}) and an account's binding is looked up by a
 * written-out read ({@link AccountBindings}).
 *
 * <p>The reads have their SQL written out: a query derived from the method name is built anew on
 * every call, which cost a read of the user gRPC service more CPU than the database's answer.
 */
public interface UserThirdAuthModel
    extends ListCrudRepository<UserThirdAuthRow, Long>,
        InsertingSave<UserThirdAuthRow>,
        AccountBindings {

  /** The bindings of those of the platform's accounts that are bound, whoever they belong to. */
  @Query(
      "SELECT id, user_id, platform, open_id, union_id, created_at FROM user_third_auth"
          + " WHERE platform = :platform AND open_id IN (:openIds)")
  List<UserThirdAuthRow> findByPlatformAndOpenIdIn(String platform, Collection<String> openIds);

  /** Every account bound to the user. */
  @Query(
      "SELECT id, user_id, platform, open_id, union_id, created_at FROM user_third_auth"
          + " WHERE user_id = :userId")
  List<UserThirdAuthRow> findByUserId(long userId);

  /** Removes the binding of the account to this user; false if there was none. */
  @Modifying
  @Query(
      "DELETE FROM user_third_auth WHERE user_id = :userId AND platform = :platform AND open_id = :openId")
  boolean deleteBinding(long userId, String platform, String openId);
}
