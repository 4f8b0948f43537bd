package dev.usermq.repository.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usermq.support.EmbeddedServersIT;
import dev.usermq.support.MySqlDriver;
import dev.usermq.support.SqlStatements;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Optional;
import java.util.TimeZone;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.jdbc.DataSourceProperties;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The reads with a mapping of their own ({@link RowMappers}) on the real MariaDB: each row as
 * Spring Data JDBC's own mapping ({@code findById}) reads it, every column set, and nothing found
 * as an empty result; a {@code DATETIME} read and written as it is stored, with either driver,
 * whatever the JVM's zone.
 */
class RowMappersIT extends EmbeddedServersIT {

  /** 02:30 on the day Berlin's clocks go from 02:00 to 03:00: a time that zone does not have. */
  private static final LocalDateTime IN_BERLINS_GAP = LocalDateTime.of(2026, 3, 29, 2, 30, 0);

  @Autowired UserModel users;
  @Autowired UserThirdAuthModel bindings;
  @Autowired AuthzCommandModel commands;
  @Autowired AuthMsgModel ledger;
  @Autowired JdbcClient jdbc;
  @Autowired TransactionTemplate tx;

  @Autowired DataSourceProperties datasource;
  @Autowired SqlStatements statements;

  @Test
  void eachReadIsItsWrittenOutStatementInTheCallersTransaction() {
    int mark = statements.mark();

    tx.executeWithoutResult(
        status -> {
          ledger.findByMessageId("m-" + UUID.randomUUID());
          users.lockById(1);
          bindings.findByPlatformAndOpenId("apple", "o-" + UUID.randomUUID());
          commands.lockPendingOf(1);
        });

    // then the commit's statement
    assertThat(statements.since(mark))
        .startsWith(
            AuthMsgLedgerImpl.FIND_BY_MESSAGE_ID,
            UserLocksImpl.LOCK_BY_ID,
            AccountBindingsImpl.FIND_BY_ACCOUNT,
            AuthzCommandLocksImpl.LOCK_PENDING_OF);
  }

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

  @Test
  void aDateTimeTheJvmsZoneSkipsIsReadAsStored() {
    long id = aUserCreatedInBerlinsGap();

    UserRow read = inBerlin(() -> tx.execute(status -> users.lockById(id).orElseThrow()));

    assertThat(read.createdAt()).isEqualTo(IN_BERLINS_GAP);
  }

  @Test
  void aDateTimeTheJvmsZoneSkipsIsWrittenAsGiven() {
    String commandId = "c-" + UUID.randomUUID();

    inBerlin(() -> commands.save(doneAt(commandId, IN_BERLINS_GAP)));

    assertThat(doneAtAsStored(commandId)).isEqualTo("2026-03-29 02:30:00.000");
  }

  @Test
  void mySqlsDriverReadsAndWritesADateTimeTheJvmsZoneSkipsAsStored() {
    // the service takes either driver: the same statements through MySQL Connector/J
    long id = aUserCreatedInBerlinsGap();
    String commandId = "c-" + UUID.randomUUID();
    UserRow read;
    try (SingleConnectionDataSource connection = MySqlDriver.connection(datasource, "")) {
      JdbcTemplate mysql = new JdbcTemplate(connection);

      read =
          inBerlin(
              () -> mysql.query("SELECT * FROM `user` WHERE id = ?", new RowMappers.OneUser(), id));
      inBerlin(
          () ->
              new InsertingSaveImpl<AuthzCommandRow>(mysql, null)
                  .save(doneAt(commandId, IN_BERLINS_GAP)));
    }

    assertThat(read.createdAt()).isEqualTo(IN_BERLINS_GAP);
    assertThat(doneAtAsStored(commandId)).isEqualTo("2026-03-29 02:30:00.000");
  }

  /**
   * A user whose {@code created_at} is in Berlin's gap: the column's default is the database's
   * clock, whose zone need not be the JVM's.
   */
  private long aUserCreatedInBerlinsGap() {
    long id = users.save(UserRow.newActive("nick", "https://a/b.png")).id();
    jdbc.sql("UPDATE `user` SET created_at = '2026-03-29 02:30:00' WHERE id = ?")
        .param(id)
        .update();
    return id;
  }

  private static AuthzCommandRow doneAt(String commandId, LocalDateTime doneAt) {
    return new AuthzCommandRow(
        null,
        commandId,
        AuthzCommandRow.REVOKE_ROLES,
        8,
        "",
        "m-" + UUID.randomUUID(),
        null,
        doneAt);
  }

  private String doneAtAsStored(String commandId) {
    return jdbc.sql("SELECT CAST(done_at AS CHAR) FROM authz_command WHERE command_id = ?")
        .param(commandId)
        .query(String.class)
        .single();
  }

  private static <T> T inBerlin(Supplier<T> work) {
    TimeZone zone = TimeZone.getDefault();
    TimeZone.setDefault(TimeZone.getTimeZone("Europe/Berlin"));
    try {
      return work.get();
    } finally {
      TimeZone.setDefault(zone);
    }
  }
}
