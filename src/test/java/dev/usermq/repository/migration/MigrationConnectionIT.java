package dev.usermq.repository.migration;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.usermq.support.EmbeddedServersIT;
import java.sql.Connection;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Migrations are not cut off by the socket timeout that the service's statements get. */
class MigrationConnectionIT extends EmbeddedServersIT {

  @Autowired Flyway flyway;
  @Autowired DataSource pool;

  @Test
  void migrationsRunOnAConnectionWithoutThePoolsSocketTimeout() throws Exception {
    DataSource migrations = flyway.getConfiguration().getDataSource();
    assertThat(migrations).isNotSameAs(pool).isNotInstanceOf(HikariDataSource.class);
    assertThat(((HikariDataSource) pool).getDataSourceProperties()).containsKey("socketTimeout");
    try (Connection pooled = pool.getConnection();
        Connection own = migrations.getConnection()) {
      assertThat(pooled.getNetworkTimeout()).isPositive();
      assertThat(own.getNetworkTimeout()).isZero();
    }
  }
}
