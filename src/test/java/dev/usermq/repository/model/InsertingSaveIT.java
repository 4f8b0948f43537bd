package dev.usermq.repository.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.usermq.repository.StatementDeadline;
import dev.usermq.support.EmbeddedServersIT;
import dev.usermq.support.MySqlDriver;
import dev.usermq.support.SqlStatements;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.jdbc.DataSourceProperties;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The save of a new row by its written-out INSERT ({@link InsertingSave}) on the real MariaDB: the
 * row returned, the row written, the caller's transaction and deadline, and a row with an id still
 * saved by Spring Data JDBC.
 */
class InsertingSaveIT extends EmbeddedServersIT {

  @Autowired UserModel users;
  @Autowired UserThirdAuthModel bindings;
  @Autowired AuthzCommandModel commands;
  @Autowired OutboxModel outbox;
  @Autowired JdbcClient jdbc;
  @Autowired TransactionTemplate tx;
  @Autowired StatementDeadline deadline;
  @Autowired SqlStatements statements;
  @Autowired DataSourceProperties datasource;

  @Test
  void aNewUserIsInsertedAndReturnedWithItsIdAndTheValuesGiven() {
    int mark = statements.mark();
    UserRow saved = users.save(UserRow.newActive("nick", "https://a/b.png"));

    assertThat(saved.id()).isPositive();
    assertThat(saved)
        .isEqualTo(
            new UserRow(saved.id(), "nick", "https://a/b.png", UserRow.ACTIVE, 0, null, null));
    assertThat(statements.since(mark)).contains(InsertingSaveImpl.INSERT_USER);
    UserRow read = users.findById(saved.id()).orElseThrow();
    assertThat(read.nickname()).isEqualTo("nick");
    assertThat(read.avatarUrl()).isEqualTo("https://a/b.png");
    assertThat(read.status()).isEqualTo(UserRow.ACTIVE);
    assertThat(read.cacheVersion()).isZero();
    assertThat(read.createdAt()).isNotNull();
    assertThat(read.updatedAt()).isNotNull();
  }

  @Test
  void aNewBindingIsInsertedAndReturnedWithItsIdAndTheValuesGiven() {
    String openId = "o-" + UUID.randomUUID();
    UserThirdAuthRow saved = bindings.save(UserThirdAuthRow.newBinding(7, "apple", openId, "u-1"));

    assertThat(saved).isEqualTo(new UserThirdAuthRow(saved.id(), 7, "apple", openId, "u-1", null));
    UserThirdAuthRow read = bindings.findByPlatformAndOpenId("apple", openId).orElseThrow();
    assertThat(read.id()).isEqualTo(saved.id());
    assertThat(read.userId()).isEqualTo(7);
    assertThat(read.unionId()).isEqualTo("u-1");
    assertThat(read.createdAt()).isNotNull();
  }

  @Test
  void aNewAuthzCommandIsInsertedAndReturnedWithItsIdAndTheValuesGiven() {
    String messageId = "m-" + UUID.randomUUID();
    AuthzCommandRow saved = commands.save(AuthzCommandRow.grantRole(messageId, 8, "member"));

    assertThat(saved.id()).isPositive();
    assertThat(saved)
        .isEqualTo(
            new AuthzCommandRow(
                saved.id(),
                messageId + ":GRANT_ROLE",
                "GRANT_ROLE",
                8,
                "member",
                messageId,
                null,
                null));
    assertThat(commands.findBySourceMessageIdAndDoneAtIsNullOrderById(messageId))
        .singleElement()
        .satisfies(
            read -> {
              assertThat(read.id()).isEqualTo(saved.id());
              assertThat(read.commandId()).isEqualTo(saved.commandId());
              assertThat(read.command()).isEqualTo("GRANT_ROLE");
              assertThat(read.userId()).isEqualTo(8);
              assertThat(read.role()).isEqualTo("member");
              assertThat(read.createdAt()).isNotNull();
              assertThat(read.doneAt()).isNull();
            });
  }

  @Test
  void aNewEventIsInsertedAndReturnedWithItsIdAndTheValuesGiven() {
    String messageId = "m-" + UUID.randomUUID();
    byte[] payload = {8, 9, 0, -1};
    OutboxRow saved =
        outbox.save(OutboxRow.newEvent("user.events", "user.count", messageId, 9, payload));

    assertThat(saved.id()).isPositive();
    assertThat(saved.eventId()).isEqualTo(messageId + ":user.count");
    assertThat(saved.eventType()).isEqualTo("user.count");
    assertThat(saved.topic()).isEqualTo("user.events");
    assertThat(saved.recordKey()).isEqualTo("9");
    assertThat(saved.payload()).isSameAs(payload);
    assertThat(saved.sourceMessageId()).isEqualTo(messageId);
    assertThat(saved.createdAt()).isNull();
    assertThat(saved.sentAt()).isNull();
    assertThat(outbox.findBySourceMessageIdAndSentAtIsNullOrderById(messageId))
        .singleElement()
        .satisfies(
            read -> {
              assertThat(read.id()).isEqualTo(saved.id());
              assertThat(read.eventId()).isEqualTo(saved.eventId());
              assertThat(read.recordKey()).isEqualTo("9");
              assertThat(read.payload()).containsExactly(payload);
              assertThat(read.createdAt()).isNotNull();
            });
  }

  @Test
  void aRowGivenWithItsSentTimeKeepsIt() {
    String messageId = "m-" + UUID.randomUUID();
    LocalDateTime sentAt = LocalDateTime.of(2026, 1, 2, 3, 4, 5, 6_000_000);
    OutboxRow event = OutboxRow.newEvent("user.events", "user.count", messageId, 9, new byte[] {1});
    OutboxRow sent =
        new OutboxRow(
            null,
            event.eventId(),
            event.eventType(),
            event.topic(),
            event.recordKey(),
            event.payload(),
            event.sourceMessageId(),
            null,
            sentAt);

    long id = outbox.save(sent).id();

    assertThat(outbox.findById(id)).map(OutboxRow::sentAt).contains(sentAt);
  }

  @Test
  void newUsersAndBindingsSavedTogetherGoInOneBatchATableAndComeBackInOrderWithTheirIds() {
    String openId = "o-" + UUID.randomUUID();
    int mark = statements.mark();

    List<UserRow> saved =
        users.saveAll(
            List.of(
                UserRow.newActive("first", "a"),
                UserRow.newActive("second", "b"),
                UserRow.newActive("third", "c")));
    List<UserThirdAuthRow> bound =
        bindings.saveAll(
            saved.stream()
                .map(u -> UserThirdAuthRow.newBinding(u.id(), "apple", openId + u.nickname(), ""))
                .toList());

    assertThat(statements.since(mark))
        .containsExactly(InsertingSaveImpl.INSERT_USER, InsertingSaveImpl.INSERT_USER_THIRD_AUTH);
    assertThat(saved).extracting(UserRow::nickname).containsExactly("first", "second", "third");
    assertThat(saved).extracting(UserRow::id).doesNotHaveDuplicates();
    for (UserRow user : saved) {
      assertThat(users.findById(user.id()).orElseThrow().nickname()).isEqualTo(user.nickname());
    }
    for (int i = 0; i < saved.size(); i++) {
      UserThirdAuthRow binding = bound.get(i);
      assertThat(binding.userId()).isEqualTo(saved.get(i).id());
      assertThat(bindings.findById(binding.id()).orElseThrow().openId())
          .isEqualTo(openId + saved.get(i).nickname());
    }
  }

  /**
   * MySQL's driver reads a batch's generated ids back as MariaDB's does: statement by statement, or
   * with {@code rewriteBatchedStatements} from the one multi-row INSERT it sends instead (its first
   * id and the server's increment). Either way each row comes back with the id of its own row.
   */
  @ParameterizedTest
  @CsvSource({"'', 50", "?rewriteBatchedStatements=true, 1"})
  void newUsersSavedTogetherThroughMySqlsDriverComeBackInOrderWithTheirIds(
      String options, int inserts) {
    String run = UUID.randomUUID().toString();
    List<UserRow> given =
        IntStream.range(0, 50).mapToObj(i -> UserRow.newActive(run + "-" + i, "")).toList();
    List<UserRow> saved;
    try (SingleConnectionDataSource connection = MySqlDriver.connection(datasource, options)) {
      JdbcTemplate mysql = new JdbcTemplate(connection);
      long insertsBefore = insertsOf(mysql);
      saved = new InsertingSaveImpl<UserRow>(mysql, null).saveAll(given);
      // the statements the server ran: one a row, or the one the driver rewrote the batch into
      assertThat(insertsOf(mysql) - insertsBefore).isEqualTo(inserts);
    }

    assertThat(saved)
        .extracting(UserRow::nickname)
        .containsExactlyElementsOf(given.stream().map(UserRow::nickname).toList());
    for (UserRow user : saved) {
      assertThat(users.findById(user.id()).orElseThrow().nickname()).isEqualTo(user.nickname());
    }
  }

  /** The INSERT statements the connection's session has run. */
  private static long insertsOf(JdbcTemplate connection) {
    return connection.queryForObject(
        "SHOW SESSION STATUS LIKE 'Com_insert'", (rs, i) -> rs.getLong("Value"));
  }

  @Test
  void rowsWithAnIdSavedTogetherWithNewOnesAreUpdatedInTheirPlace() {
    UserRow existing = users.save(UserRow.newActive("before", ""));
    UserRow changed = new UserRow(existing.id(), "after", "", UserRow.ACTIVE, 2, null, null);

    List<UserRow> saved = users.saveAll(List.of(UserRow.newActive("new", ""), changed));

    assertThat(saved.get(0).nickname()).isEqualTo("new");
    assertThat(saved.get(0).id()).isPositive();
    assertThat(saved.get(1)).isEqualTo(changed);
    assertThat(users.findById(existing.id()).orElseThrow().nickname()).isEqualTo("after");
  }

  @Test
  void aBatchWithATakenAccountInsertsNoneOfItsBindingsInTheCallersTransaction() {
    String openId = "o-" + UUID.randomUUID();
    bindings.save(UserThirdAuthRow.newBinding(1, "apple", openId, ""));

    assertThatThrownBy(
            () ->
                tx.executeWithoutResult(
                    status ->
                        bindings.saveAll(
                            List.of(
                                UserThirdAuthRow.newBinding(2, "apple", openId + "-new", ""),
                                UserThirdAuthRow.newBinding(2, "apple", openId, "")))))
        .isInstanceOf(DuplicateKeyException.class);

    assertThat(bindings.findByPlatformAndOpenId("apple", openId + "-new")).isEmpty();
    assertThat(bindings.findByPlatformAndOpenId("apple", openId).orElseThrow().userId())
        .isEqualTo(1);
  }

  @Test
  void theInsertJoinsTheCallersTransaction() {
    String openId = "o-" + UUID.randomUUID();
    long[] ids = new long[2];
    tx.executeWithoutResult(
        status -> {
          ids[0] = users.save(UserRow.newActive("rolled back", "")).id();
          ids[1] = bindings.save(UserThirdAuthRow.newBinding(ids[0], "apple", openId, "")).id();
          assertThat(users.findById(ids[0])).isPresent();
          status.setRollbackOnly();
        });

    assertThat(users.findById(ids[0])).isEmpty();
    assertThat(bindings.findById(ids[1])).isEmpty();
  }

  @Test
  void anInsertDueAfterTheCallersDeadlineIsNotSent() {
    String openId = "o-" + UUID.randomUUID();
    assertThatThrownBy(
            () ->
                deadline.within(
                    Duration.ZERO,
                    () -> bindings.save(UserThirdAuthRow.newBinding(1, "apple", openId, ""))))
        .isInstanceOf(QueryTimeoutException.class);

    assertThat(bindings.findByPlatformAndOpenId("apple", openId)).isEmpty();
  }

  @Test
  void aRowWithAnIdIsUpdatedAsBefore() {
    UserRow saved = users.save(UserRow.newActive("before", ""));
    UserRow changed = new UserRow(saved.id(), "after", "x", UserRow.DEACTIVATED, 3, null, null);

    assertThat(users.save(changed)).isEqualTo(changed);

    UserRow read = users.findById(saved.id()).orElseThrow();
    assertThat(read.nickname()).isEqualTo("after");
    assertThat(read.avatarUrl()).isEqualTo("x");
    assertThat(read.status()).isEqualTo(UserRow.DEACTIVATED);
    assertThat(read.cacheVersion()).isEqualTo(3);
    assertThat(
            jdbc.sql("SELECT COUNT(*) FROM `user` WHERE id = ?")
                .param(saved.id())
                .query(Long.class)
                .single())
        .isEqualTo(1);
  }
}
