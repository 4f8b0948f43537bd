package dev.usermq.repository.model;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Calendar;
import java.util.GregorianCalendar;
import java.util.TimeZone;
import org.springframework.dao.IncorrectResultSizeDataAccessException;
import org.springframework.jdbc.core.ResultSetExtractor;
import org.springframework.jdbc.core.RowMapper;

/**
 * The mappings of the rows a record reads while it is applied and delivered, by the written-out
 * reads of the models' fragments ({@link AuthMsgLedger}, {@link UserLocks}, {@link
 * AccountBindings}, {@link AuthzCommandLocks}): the columns read by name into the row's record,
 * without Spring Data JDBC's entity mapping (conversion service, property accessors, an event per
 * row), which cost more than the query itself. A {@code DATETIME} is read in UTC, which skips no
 * time, into the {@link LocalDateTime} it holds: read in the JVM's zone (a plain {@code
 * getTimestamp}, and MariaDB Connector/J's {@code LocalDateTime} too), a time that zone skips
 * (02:30 on the night its clocks go forward) comes back an hour later, and MySQL Connector/J's
 * {@code getTimestamp} throws on it. A read of at most one row goes through an extractor that gives
 * null for none: a single-row read of Spring Data's or {@code JdbcTemplate}'s throws, and catches,
 * an exception for every row not found, a new message's usual case.
 */
final class RowMappers {

  /** The calendar a driver reads a {@code DATETIME} in: one a thread, as drivers may change it. */
  private static final ThreadLocal<Calendar> UTC =
      ThreadLocal.withInitial(() -> new GregorianCalendar(TimeZone.getTimeZone(ZoneOffset.UTC)));

  private RowMappers() {}

  /** {@code SELECT *} of {@code authz_command}, row by row. */
  static final class AuthzCommands implements RowMapper<AuthzCommandRow> {
    @Override
    public AuthzCommandRow mapRow(ResultSet rs, int rowNum) throws SQLException {
      return new AuthzCommandRow(
          rs.getLong("id"),
          rs.getString("command_id"),
          rs.getString("command"),
          rs.getLong("user_id"),
          rs.getString("role"),
          rs.getString("source_message_id"),
          dateTime(rs, "created_at"),
          dateTime(rs, "done_at"));
    }
  }

  /** {@code SELECT *} of {@code user}: the row, or null. */
  static final class OneUser extends OneOrNone<UserRow> {
    @Override
    UserRow map(ResultSet rs) throws SQLException {
      return new UserRow(
          rs.getLong("id"),
          rs.getString("nickname"),
          rs.getString("avatar_url"),
          rs.getInt("status"),
          rs.getLong("cache_version"),
          dateTime(rs, "created_at"),
          dateTime(rs, "updated_at"));
    }
  }

  /** The columns of {@code user_third_auth}: the row, or null. */
  static final class OneUserThirdAuth extends OneOrNone<UserThirdAuthRow> {
    @Override
    UserThirdAuthRow map(ResultSet rs) throws SQLException {
      return new UserThirdAuthRow(
          rs.getLong("id"),
          rs.getLong("user_id"),
          rs.getString("platform"),
          rs.getString("open_id"),
          rs.getString("union_id"),
          dateTime(rs, "created_at"));
    }
  }

  /** {@code SELECT *} of {@code auth_msg}: the row, or null. */
  static final class OneAuthMsg extends OneOrNone<AuthMsgRow> {
    @Override
    AuthMsgRow map(ResultSet rs) throws SQLException {
      return new AuthMsgRow(
          rs.getLong("id"),
          rs.getString("message_id"),
          rs.getString("kind"),
          rs.getLong("user_id"),
          rs.getString("outcome"),
          rs.getInt("processed"),
          dateTime(rs, "process_time"),
          dateTime(rs, "created_at"));
    }
  }

  /**
   * The one row of a result, or null for none (an empty {@code Optional} to the caller); more than
   * one fails as Spring Data's single-row read does.
   */
  abstract static class OneOrNone<T> implements ResultSetExtractor<T> {

    @Override
    public T extractData(ResultSet rs) throws SQLException {
      if (!rs.next()) {
        return null;
      }
      T row = map(rs);
      if (rs.next()) {
        throw new IncorrectResultSizeDataAccessException(1);
      }
      return row;
    }

    abstract T map(ResultSet rs) throws SQLException;
  }

  private static LocalDateTime dateTime(ResultSet rs, String column) throws SQLException {
    Timestamp value = rs.getTimestamp(column, UTC.get());
    return value == null
        ? null
        : LocalDateTime.ofEpochSecond(
            Math.floorDiv(value.getTime(), 1000), value.getNanos(), ZoneOffset.UTC);
  }
}
