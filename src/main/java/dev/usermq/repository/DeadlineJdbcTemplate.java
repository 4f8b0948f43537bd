package dev.usermq.repository;

import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The {@link JdbcTemplate} every table model sends its statements through (Spring Data JDBC uses
 * it, wrapped in a {@code NamedParameterJdbcTemplate}, and so do the written-out INSERTs of {@link
 * dev.usermq.repository.model.InsertingSave}): Spring's, plus the {@link StatementDeadline} of the
 * thread, when there is one, as each statement's query timeout.
 */
public class DeadlineJdbcTemplate extends JdbcTemplate {

  private final StatementDeadline deadline;

  public DeadlineJdbcTemplate(DataSource dataSource, StatementDeadline deadline) {
    super(dataSource);
    this.deadline = deadline;
  }

  /** The template's settings and a transaction's time left (Spring's), then the deadline's. */
  @Override
  protected void applyStatementSettings(Statement stmt) throws SQLException {
    super.applyStatementSettings(stmt);
    deadline.applyTo(stmt);
  }
}
