package dev.usermq.repository.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usermq.support.EmbeddedServersIT;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/** Cache-aside of user reads on the real Redis and MariaDB. */
class UserModelCacheIT extends EmbeddedServersIT {

  @Autowired UserModel users;
  @Autowired JdbcClient jdbc;
  @Autowired StringRedisTemplate redis;
  @Autowired TransactionTemplate tx;

  @Test
  void aReadByIdIsServedFromRedisUntilAWriteOfTheUserEvictsIt() {
    long id = users.save(UserRow.newActive("before", "")).id();
    String key = "user:cache:user::" + id;

    assertThat(users.findById(id)).map(UserRow::nickname).contains("before");
    assertThat(redis.keys("*")).as("keys").contains(key);

    // a change behind the cache's back is not seen: the read is served by Redis
    jdbc.sql("UPDATE `user` SET nickname = 'behind' WHERE id = ?").param(id).update();
    assertThat(users.findById(id)).map(UserRow::nickname).contains("before");

    // a write through the model evicts the entry, once its transaction commits
    tx.executeWithoutResult(s -> users.updateStatus(id, UserRow.DEACTIVATED));
    assertThat(redis.hasKey(key)).isFalse();
    assertThat(users.findById(id)).map(UserRow::status).contains(UserRow.DEACTIVATED);
    assertThat(users.findById(id)).map(UserRow::nickname).contains("behind");
  }

  @Test
  void anUnknownUserIsNotCached() {
    assertThat(users.findById(999_999_999L)).isEmpty();
    assertThat(redis.hasKey("user:cache:user::999999999")).isFalse();
  }

  @Test
  void savingAnExistingUserEvictsItsEntry() {
    UserRow user = users.save(UserRow.newActive("a", ""));
    users.findById(user.id());
    assertThat(redis.hasKey("user:cache:user::" + user.id())).isTrue();

    users.save(new UserRow(user.id(), "b", "", UserRow.ACTIVE, null, null));

    assertThat(redis.hasKey("user:cache:user::" + user.id())).isFalse();
    assertThat(users.findById(user.id())).map(UserRow::nickname).contains("b");
  }
}
