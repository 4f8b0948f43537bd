package dev.usermq.repository.migration;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.springframework.boot.autoconfigure.flyway.FlywayConfigurationCustomizer;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.stereotype.Component;

/**
 * The collation of identifier columns, for the migrations: binary and without trailing-space
 * padding, so that identifiers compare byte for byte. MariaDB and MySQL 8 name it differently,
 * hence the Flyway placeholder {@value #PLACEHOLDER}, resolved against the server migrated.
 */
@Component
public class IdentifierCollation implements FlywayConfigurationCustomizer {

  /** The placeholder the migrations write as {@code ${identifier_collation}}. */
  public static final String PLACEHOLDER = "identifier_collation";

  static final String MARIADB = "utf8mb4_nopad_bin";
  static final String MYSQL = "utf8mb4_0900_bin";

  @Override
  public void customize(FluentConfiguration configuration) {
    apply(configuration);
  }

  /** Sets the placeholder on a Flyway configuration that already has its data source. */
  public static FluentConfiguration apply(FluentConfiguration configuration) {
    Map<String, String> placeholders = new HashMap<>(configuration.getPlaceholders());
    placeholders.put(PLACEHOLDER, of(configuration.getDataSource()));
    return configuration.placeholders(placeholders);
  }

  /** The binary no-pad collation of the server behind the data source. */
  public static String of(DataSource dataSource) {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement();
        ResultSet version = statement.executeQuery("SELECT VERSION()")) {
      version.next();
      return forServerVersion(version.getString(1));
    } catch (SQLException e) {
      throw new DataAccessResourceFailureException("cannot tell the database server's kind", e);
    }
  }

  /** E.g. {@code 10.11.6-MariaDB} gives the MariaDB name, {@code 8.0.36} the MySQL one. */
  static String forServerVersion(String version) {
    return version.toLowerCase(Locale.ROOT).contains("mariadb") ? MARIADB : MYSQL;
  }
}
