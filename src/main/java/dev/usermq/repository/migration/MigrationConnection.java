package dev.usermq.repository.migration;

import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.springframework.boot.autoconfigure.flyway.FlywayConfigurationCustomizer;
import org.springframework.boot.autoconfigure.flyway.FlywayProperties;
import org.springframework.boot.autoconfigure.jdbc.DataSourceProperties;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Migrations run on a connection of their own, opened from the datasource URL and account but
 * without the pool's driver properties: the pool's socket timeout (seconds, for the statements of
 * the service) would cut off a migration statement that legitimately runs for minutes, such as an
 * {@code ALTER TABLE} of a large ledger. When {@code spring.flyway.url} or {@code .user} is set,
 * Flyway already has a connection of its own and this changes nothing.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class MigrationConnection implements FlywayConfigurationCustomizer {

  private final DataSourceProperties datasource;
  private final FlywayProperties flyway;

  public MigrationConnection(DataSourceProperties datasource, FlywayProperties flyway) {
    this.datasource = datasource;
    this.flyway = flyway;
  }

  @Override
  public void customize(FluentConfiguration configuration) {
    if (flyway.getUrl() == null && flyway.getUser() == null) {
      configuration.dataSource(
          datasource.determineUrl(),
          datasource.determineUsername(),
          datasource.determinePassword());
    }
  }
}
