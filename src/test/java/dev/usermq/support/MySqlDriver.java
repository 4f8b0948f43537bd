package dev.usermq.support;

import org.springframework.boot.autoconfigure.jdbc.DataSourceProperties;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * A connection through MySQL Connector/J to the tests' MariaDB, which the service reaches through
 * MariaDB's driver: the service takes either driver ({@code jdbc:mysql:} or {@code jdbc:mariadb:}).
 */
public final class MySqlDriver {

  private MySqlDriver() {}

  /**
   * One connection by the service's URL with MySQL's scheme, {@code options} (a query, {@code
   * ?name=value...}, or empty) after it; to be closed by the caller.
   */
  public static SingleConnectionDataSource connection(
      DataSourceProperties datasource, String options) {
    String url = datasource.getUrl();
    if (!url.startsWith("jdbc:mariadb:") || url.contains("?")) {
      throw new IllegalStateException("not a MariaDB URL without options: " + url);
    }
    return new SingleConnectionDataSource(
        url.replaceFirst("^jdbc:mariadb:", "jdbc:mysql:") + options,
        datasource.getUsername(),
        datasource.getPassword(),
        true);
  }
}
