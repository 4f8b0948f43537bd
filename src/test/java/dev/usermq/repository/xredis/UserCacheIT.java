package dev.usermq.repository.xredis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usermq.logic.AuthMsgLogic;
import dev.usermq.logic.AuthMsgResult;
import dev.usermq.proto.common.mq.v1.AuthMsg;
import dev.usermq.repository.model.UserModel;
import dev.usermq.repository.model.UserRow;
import dev.usermq.support.EmbeddedServersIT;
import dev.usermq.support.Msgs;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Cache-aside of user reads on the real Redis and MariaDB, alone and under concurrent reads. */
class UserCacheIT extends EmbeddedServersIT {

  @Autowired UserCache cache;
  @Autowired UserModel users;
  @Autowired AuthMsgLogic logic;
  @Autowired JdbcClient jdbc;
  @Autowired StringRedisTemplate redis;

  @Test
  void aReadIsServedFromRedisUntilAWriteOfTheUserLeavesItsTombstone() {
    long id = users.save(UserRow.newActive("before", "")).id();

    assertThat(cache.findById(id)).map(UserRow::nickname).contains("before");
    assertThat(redis.opsForValue().get("user:cache:user:" + id)).startsWith("0|");

    // a change behind the cache's back is not seen: the read is served by Redis
    jdbc.sql("UPDATE `user` SET nickname = 'behind' WHERE id = ?").param(id).update();
    assertThat(cache.findById(id)).map(UserRow::nickname).contains("before");

    // a write of the user through the logic leaves a tombstone of its version
    handle(Msgs.deactivate(id));
    assertThat(redis.opsForValue().get("user:cache:user:" + id)).isEqualTo("1|");
    assertThat(cache.findById(id)).map(UserRow::status).contains(UserRow.DEACTIVATED);
    assertThat(cache.findById(id)).map(UserRow::nickname).contains("behind");
  }

  @Test
  void anUnknownUserIsNotCached() {
    assertThat(cache.findById(999_999_999L)).isEmpty();
    assertThat(redis.hasKey("user:cache:user:999999999")).isFalse();
  }

  @Test
  void anOlderReadIsNeverPutBackOverANewerVersion() {
    long id = users.save(UserRow.newActive("a", "")).id();
    UserRow old = users.findById(id).orElseThrow();
    handle(Msgs.deactivate(id));

    // a read that loaded the row before the write committed puts it only now
    assertThat(old.cacheVersion()).isZero();
    cache.put(new CachedUser(old, List.of()));
    assertThat(redis.opsForValue().get("user:cache:user:" + id)).isEqualTo("1|");
    assertThat(cache.findById(id)).map(UserRow::status).contains(UserRow.DEACTIVATED);
  }

  @Test
  void everyReadThatStartsAfterADeactivationCommitsSeesIt() throws Exception {
    ExecutorService readers = Executors.newFixedThreadPool(4);
    try {
      for (int round = 0; round < 30; round++) {
        String openId = Msgs.openId();
        AuthMsgResult registered = handle(Msgs.register("wechat", openId));
        long id = registered.userId();
        assertThat(cache.findById(id)).map(UserRow::isActive).contains(true);

        AtomicBoolean committed = new AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger readsAfter =
            new java.util.concurrent.atomic.AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        List<Future<List<String>>> stale = new ArrayList<>();
        for (int r = 0; r < 4; r++) {
          stale.add(
              readers.submit(
                  () -> {
                    List<String> seen = new ArrayList<>();
                    while (!stop.get()) {
                      boolean after = committed.get();
                      boolean active = cache.findById(id).orElseThrow().isActive();
                      if (after && active) {
                        seen.add("user " + id + " read as active after its deactivation committed");
                      }
                      if (after) {
                        readsAfter.incrementAndGet();
                      }
                    }
                    return seen;
                  }));
        }
        handle(Msgs.deactivate(id));
        committed.set(true);
        // the readers read at least 20 times after the commit before they stop
        org.awaitility.Awaitility.await()
            .atMost(java.time.Duration.ofSeconds(30))
            .until(() -> readsAfter.get() >= 20);
        stop.set(true);
        for (Future<List<String>> reader : stale) {
          assertThat(reader.get(30, TimeUnit.SECONDS)).isEmpty();
        }
      }
    } finally {
      readers.shutdownNow();
    }
  }

  /** What the auth route does with a message: the transaction, then the cache after the commit. */
  private AuthMsgResult handle(AuthMsg msg) {
    AuthMsgResult result = logic.handle(msg);
    logic.refreshCache(result);
    return result;
  }
}
