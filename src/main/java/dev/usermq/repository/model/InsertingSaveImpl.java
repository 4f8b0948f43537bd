package dev.usermq.repository.model;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.springframework.dao.DataRetrievalFailureException;
import org.springframework.data.jdbc.core.JdbcAggregateOperations;
import org.springframework.jdbc.core.BatchPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.ParameterizedPreparedStatementSetter;
import org.springframework.jdbc.core.PreparedStatementCreator;
import org.springframework.jdbc.core.SqlProvider;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;

/**
 * {@link InsertingSave}: the INSERT of each row type, with the columns Spring Data JDBC writes
 * (every property but the id and the read-only ones), through the service's {@code JdbcTemplate}.
 */
class InsertingSaveImpl<T> implements InsertingSave<T> {

  static final String INSERT_USER =
      "INSERT INTO `user` (nickname, avatar_url, status, cache_version) VALUES (?, ?, ?, ?)";

  static final String INSERT_USER_THIRD_AUTH =
      "INSERT INTO user_third_auth (user_id, platform, open_id, union_id) VALUES (?, ?, ?, ?)";

  static final String INSERT_AUTHZ_COMMAND =
      "INSERT INTO authz_command (command_id, command, user_id, role, source_message_id, done_at)"
          + " VALUES (?, ?, ?, ?, ?, ?)";

  static final String INSERT_OUTBOX =
      "INSERT INTO outbox (event_id, event_type, topic, record_key, payload, source_message_id,"
          + " sent_at) VALUES (?, ?, ?, ?, ?, ?, ?)";

  private final JdbcTemplate jdbc;
  private final JdbcAggregateOperations aggregates;

  InsertingSaveImpl(JdbcTemplate jdbc, JdbcAggregateOperations aggregates) {
    this.jdbc = jdbc;
    this.aggregates = aggregates;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <S extends T> S save(S row) {
    if (row instanceof UserRow user && user.id() == null) {
      return (S) insert(user);
    }
    if (row instanceof UserThirdAuthRow binding && binding.id() == null) {
      return (S) insert(binding);
    }
    if (row instanceof AuthzCommandRow command && command.id() == null) {
      return (S) insert(command);
    }
    if (row instanceof OutboxRow event && event.id() == null) {
      return (S) insert(event);
    }
    return aggregates.save(row);
  }

  @Override
  @SuppressWarnings("unchecked")
  public <S extends T> List<S> saveAll(Iterable<S> rows) {
    List<S> given = new ArrayList<>();
    rows.forEach(given::add);
    List<UserRow> users = new ArrayList<>();
    List<UserThirdAuthRow> bindings = new ArrayList<>();
    for (S row : given) {
      if (row instanceof UserRow user && user.id() == null) {
        users.add(user);
      } else if (row instanceof UserThirdAuthRow binding && binding.id() == null) {
        bindings.add(binding);
      }
    }
    Iterator<Long> userIds = insertAll(jdbc, INSERT_USER, users, InsertingSaveImpl::bind);
    Iterator<Long> bindingIds =
        insertAll(jdbc, INSERT_USER_THIRD_AUTH, bindings, InsertingSaveImpl::bind);
    List<S> saved = new ArrayList<>(given.size());
    for (S row : given) {
      if (row instanceof UserRow user && user.id() == null) {
        saved.add((S) user.withId(userIds.next()));
      } else if (row instanceof UserThirdAuthRow binding && binding.id() == null) {
        saved.add((S) binding.withId(bindingIds.next()));
      } else {
        saved.add(save(row));
      }
    }
    return saved;
  }

  private UserRow insert(UserRow row) {
    return row.withId(insert(INSERT_USER, ps -> bind(ps, row)));
  }

  private UserThirdAuthRow insert(UserThirdAuthRow row) {
    return row.withId(insert(INSERT_USER_THIRD_AUTH, ps -> bind(ps, row)));
  }

  private AuthzCommandRow insert(AuthzCommandRow row) {
    HeldInserts held = HeldInserts.current();
    if (held != null) {
      held.add(jdbc, row);
      return row;
    }
    long id = insert(INSERT_AUTHZ_COMMAND, ps -> bind(ps, row));
    return new AuthzCommandRow(
        id,
        row.commandId(),
        row.command(),
        row.userId(),
        row.role(),
        row.sourceMessageId(),
        row.createdAt(),
        row.doneAt());
  }

  private OutboxRow insert(OutboxRow row) {
    HeldInserts held = HeldInserts.current();
    if (held != null) {
      held.add(jdbc, row);
      return row;
    }
    return row.withId(insert(INSERT_OUTBOX, ps -> bind(ps, row)));
  }

  /** Inserts the authz commands in one JDBC batch. */
  static void insertCommands(JdbcTemplate jdbc, List<AuthzCommandRow> rows) {
    jdbc.batchUpdate(
        INSERT_AUTHZ_COMMAND,
        rows,
        rows.size(),
        (ParameterizedPreparedStatementSetter<AuthzCommandRow>) InsertingSaveImpl::bind);
  }

  /** Inserts the events in one JDBC batch; returns their generated ids, in order. */
  static Iterator<Long> insertEvents(JdbcTemplate jdbc, List<OutboxRow> rows) {
    return insertAll(jdbc, INSERT_OUTBOX, rows, InsertingSaveImpl::bind);
  }

  /**
   * Inserts the rows with one JDBC batch of the INSERT; returns their generated ids, in order (the
   * driver reads them back from the batch's results).
   */
  private static <R> Iterator<Long> insertAll(
      JdbcTemplate jdbc, String sql, List<R> rows, ParameterizedPreparedStatementSetter<R> binder) {
    if (rows.isEmpty()) {
      return Collections.emptyIterator();
    }
    KeyHolder keys = new GeneratedKeyHolder();
    jdbc.batchUpdate(
        new Insert(sql, ps -> {}),
        new BatchPreparedStatementSetter() {
          @Override
          public void setValues(PreparedStatement ps, int i) throws SQLException {
            binder.setValues(ps, rows.get(i));
          }

          @Override
          public int getBatchSize() {
            return rows.size();
          }
        },
        keys);
    List<Long> ids = new ArrayList<>(rows.size());
    for (Map<String, Object> key : keys.getKeyList()) {
      ids.add(((Number) key.values().iterator().next()).longValue());
    }
    if (ids.size() != rows.size()) {
      throw new DataRetrievalFailureException(
          ids.size() + " ids generated for " + rows.size() + " rows by " + sql);
    }
    return ids.iterator();
  }

  private static void bind(PreparedStatement ps, UserRow row) throws SQLException {
    ps.setString(1, row.nickname());
    ps.setString(2, row.avatarUrl());
    ps.setInt(3, row.status());
    ps.setLong(4, row.cacheVersion());
  }

  private static void bind(PreparedStatement ps, UserThirdAuthRow row) throws SQLException {
    ps.setLong(1, row.userId());
    ps.setString(2, row.platform());
    ps.setString(3, row.openId());
    ps.setString(4, row.unionId());
  }

  private static void bind(PreparedStatement ps, AuthzCommandRow row) throws SQLException {
    ps.setString(1, row.commandId());
    ps.setString(2, row.command());
    ps.setLong(3, row.userId());
    ps.setString(4, row.role());
    ps.setString(5, row.sourceMessageId());
    setDateTime(ps, 6, row.doneAt());
  }

  private static void bind(PreparedStatement ps, OutboxRow row) throws SQLException {
    ps.setString(1, row.eventId());
    ps.setString(2, row.eventType());
    ps.setString(3, row.topic());
    ps.setString(4, row.recordKey());
    ps.setBytes(5, row.payload());
    ps.setString(6, row.sourceMessageId());
    setDateTime(ps, 7, row.sentAt());
  }

  /** Sends the INSERT and returns the id the database generated. */
  private long insert(String sql, Binder binder) {
    KeyHolder keys = new GeneratedKeyHolder();
    jdbc.update(new Insert(sql, binder), keys);
    Number id = keys.getKey();
    if (id == null) {
      throw new DataRetrievalFailureException("no id generated by " + sql);
    }
    return id.longValue();
  }

  private static void setDateTime(PreparedStatement ps, int index, LocalDateTime value)
      throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.TIMESTAMP);
    } else {
      // as the LocalDateTime it is: a Timestamp of the JVM's zone would move a time that zone skips
      ps.setObject(index, value);
    }
  }

  /** Sets the parameters of an INSERT. */
  @FunctionalInterface
  private interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  /** An INSERT that returns its generated key; its SQL shows in Spring's logs and exceptions. */
  private record Insert(String sql, Binder binder)
      implements PreparedStatementCreator, SqlProvider {

    @Override
    public PreparedStatement createPreparedStatement(Connection con) throws SQLException {
      PreparedStatement ps = con.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS);
      try {
        binder.bind(ps);
      } catch (SQLException | RuntimeException e) {
        ps.close();
        throw e;
      }
      return ps;
    }

    @Override
    public String getSql() {
      return sql;
    }
  }
}
