package dev.usermq.repository.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usermq.support.EmbeddedServersIT;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The reads with a mapping of their own ({@link RowMappers}) on the real MariaDB: each row as
 * Spring Data JDBC's own mapping ({@code findById}) reads it, every column set, and nothing found
 * as an empty result.
 */
class RowMappersIT extends EmbeddedServersIT {

  @Autowired UserModel users;
  @Autowired UserThirdAuthModel bindings;
  @Autowired AuthzCommandModel commands;
  @Autowired AuthMsgModel ledger;
  @Autowired JdbcClient jdbc;
  @Autowired TransactionTemplate tx;

  @Test
  void aLockedUserIsTheRowAsSpringDataReadsIt() {
    long id = users.save(UserRow.newActive("nick", "https://a/b.png")).id();
    users.updateStatus(id, UserRow.DEACTIVATED, 4);

    UserRow locked = tx.execute(status -> users.lockById(id).orElseThrow());

    assertThat(locked).isEqualTo(users.findById(id).orElseThrow());
    assertThat(locked.status()).isEqualTo(UserRow.DEACTIVATED);
    assertThat(locked.cacheVersion()).isEqualTo(4);
    assertThat(locked.createdAt()).isNotNull();
    assertThat(locked.updatedAt()).isNotNull();
    Optional<UserRow> none = tx.execute(status -> users.lockById(999_999_999_999L));
    assertThat(none).isEmpty();
  }

  @Test
  void aBindingIsTheRowAsSpringDataReadsIt() {
    String openId = "o-" + UUID.randomUUID();
    long id = bindings.save(UserThirdAuthRow.newBinding(5, "apple", openId, "u-5")).id();

    UserThirdAuthRow found = bindings.findByPlatformAndOpenId("apple", openId).orElseThrow();

    assertThat(found).isEqualTo(bindings.findById(id).orElseThrow());
    assertThat(found.unionId()).isEqualTo("u-5");
    assertThat(found.createdAt()).isNotNull();
    assertThat(bindings.findByPlatformAndOpenId("apple", openId + "-none")).isEmpty();
  }

  @Test
  void aLedgerRowIsTheRowAsSpringDataReadsIt() {
    String messageId = "m-" + UUID.randomUUID();
    assertThat(ledger.findByMessageId(messageId)).isEmpty();
    ledger.claim(messageId, "BIND", 6);
    AuthMsgRow claimed = ledger.findByMessageId(messageId).orElseThrow();
    assertThat(claimed).isEqualTo(ledger.findById(claimed.id()).orElseThrow());
    assertThat(claimed.outcome()).isNull();
    assertThat(claimed.processTime()).isNull();

    ledger.markAsProcessed(messageId, "APPLIED", 7);
    AuthMsgRow processed = ledger.findByMessageId(messageId).orElseThrow();

    assertThat(processed).isEqualTo(ledger.findById(claimed.id()).orElseThrow());
    assertThat(processed.kind()).isEqualTo("BIND");
    assertThat(processed.userId()).isEqualTo(7);
    assertThat(processed.outcome()).isEqualTo("APPLIED");
    assertThat(processed.processed()).isEqualTo(1);
    assertThat(processed.processTime()).isNotNull();
    assertThat(processed.createdAt()).isNotNull();
  }

  @Test
  void pendingCommandsAreTheRowsAsSpringDataReadsThemInIdOrder() {
    long userId = 1_000_000_000L + Math.abs(UUID.randomUUID().getMostSignificantBits() % 1_000_000);
    long grant =
        commands.save(AuthzCommandRow.grantRole("m-" + UUID.randomUUID(), userId, "m")).id();
    long done = commands.save(AuthzCommandRow.revokeRoles("m-" + UUID.randomUUID(), userId)).id();
    long revoke = commands.save(AuthzCommandRow.revokeRoles("m-" + UUID.randomUUID(), userId)).id();
    commands.markDone(List.of(done));

    List<AuthzCommandRow> pending = tx.execute(status -> commands.lockPendingOf(userId));

    assertThat(pending)
        .containsExactly(
            commands.findById(grant).orElseThrow(), commands.findById(revoke).orElseThrow());
    assertThat(pending.get(0).role()).isEqualTo("m");
    assertThat(pending.get(0).createdAt()).isNotNull();
    assertThat(pending.get(0).doneAt()).isNull();
    List<AuthzCommandRow> noneOfAnother = tx.execute(status -> commands.lockPendingOf(userId + 1));
    assertThat(noneOfAnother).isEmpty();
  }
}
