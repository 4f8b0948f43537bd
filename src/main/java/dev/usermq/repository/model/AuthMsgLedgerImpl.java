package dev.usermq.repository.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;

/** {@link AuthMsgLedger} through the service's {@code JdbcTemplate}. */
class AuthMsgLedgerImpl implements AuthMsgLedger {

  static final String FIND_BY_MESSAGE_ID = "SELECT * FROM auth_msg WHERE message_id = ?";

  static final String CLAIM = "INSERT INTO auth_msg (message_id, kind, user_id) VALUES (?, ?, ?)";

  static final String MARK_AS_PROCESSED =
      "UPDATE auth_msg SET outcome = ?, user_id = ?, processed = 1,"
          + " process_time = CURRENT_TIMESTAMP(3) WHERE message_id = ?";

  /**
   * The most rows one statement of {@link #claimAll} or {@link #markAllAsProcessed} writes: well
   * under the 65,535 parameters of a server-side prepared statement and any sane packet size.
   */
  static final int ROWS_PER_STATEMENT = 1000;

  private static final RowMappers.OneAuthMsg LEDGER_ROW = new RowMappers.OneAuthMsg();

  private final JdbcTemplate jdbc;

  AuthMsgLedgerImpl(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public Optional<AuthMsgRow> findByMessageId(String messageId) {
    return Optional.ofNullable(jdbc.query(FIND_BY_MESSAGE_ID, LEDGER_ROW, messageId));
  }

  @Override
  public void claim(String messageId, String kind, long userId) {
    jdbc.update(CLAIM, messageId, kind, userId);
  }

  @Override
  public boolean markAsProcessed(String messageId, String outcome, long userId) {
    return jdbc.update(MARK_AS_PROCESSED, outcome, userId, messageId) > 0;
  }

  @Override
  public void claimAll(List<Claim> claims) {
    for (List<Claim> part : parts(claims)) {
      List<Object> args = new ArrayList<>(part.size() * 3);
      for (Claim claim : part) {
        args.add(claim.messageId());
        args.add(claim.kind());
        args.add(claim.userId());
      }
      jdbc.update(claimRows(part.size()), args.toArray());
    }
  }

  @Override
  public int markAllAsProcessed(List<Processed> outcomes) {
    int updated = 0;
    for (List<Processed> part : parts(outcomes)) {
      List<Object> args = new ArrayList<>(part.size() * 5);
      for (Processed row : part) {
        args.add(row.messageId());
        args.add(row.outcome());
      }
      for (Processed row : part) {
        args.add(row.messageId());
        args.add(row.userId());
      }
      for (Processed row : part) {
        args.add(row.messageId());
      }
      updated += jdbc.update(markRows(part.size()), args.toArray());
    }
    return updated;
  }

  /** The multi-row INSERT of {@code rows} claims. */
  static String claimRows(int rows) {
    return "INSERT INTO auth_msg (message_id, kind, user_id) VALUES "
        + String.join(", ", Collections.nCopies(rows, "(?, ?, ?)"));
  }

  /**
   * The UPDATE of {@code rows} outcomes: each row's outcome and user id picked by its message id
   * (compared in the column's collation, as the single-row statement's WHERE does).
   */
  static String markRows(int rows) {
    String whens = String.join(" ", Collections.nCopies(rows, "WHEN ? THEN ?"));
    return "UPDATE auth_msg SET outcome = CASE message_id "
        + whens
        + " END, user_id = CASE message_id "
        + whens
        + " END, processed = 1, process_time = CURRENT_TIMESTAMP(3) WHERE message_id IN ("
        + String.join(", ", Collections.nCopies(rows, "?"))
        + ")";
  }

  private static <T> List<List<T>> parts(List<T> rows) {
    List<List<T>> parts = new ArrayList<>();
    for (int from = 0; from < rows.size(); from += ROWS_PER_STATEMENT) {
      parts.add(rows.subList(from, Math.min(rows.size(), from + ROWS_PER_STATEMENT)));
    }
    return parts;
  }
}
