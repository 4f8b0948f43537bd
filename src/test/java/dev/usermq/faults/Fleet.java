package dev.usermq.faults;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The service instances of one scenario: instance A runs throughout (killed and restarted by some
 * faults), instance B joins and leaves in the rebalance scenario. Keeps every life's log, so the
 * counts of all lives add up.
 */
final class Fleet {

  private final Path jar;
  private final Map<String, String> env;
  private final Path logDir;
  private final List<ServiceProcess> lives = new ArrayList<>();
  private ServiceProcess a;
  private ServiceProcess b;
  private int kills;

  Fleet(Path jar, Map<String, String> env, Path logDir) {
    this.jar = jar;
    this.env = env;
    this.logDir = logDir;
  }

  synchronized ServiceProcess startA() throws Exception {
    a = launch("a");
    return a;
  }

  synchronized ServiceProcess a() {
    return a;
  }

  /** kill -9 of instance A, then a new life of it. */
  void killAndRestartA() throws Exception {
    ServiceProcess victim;
    synchronized (this) {
      victim = a;
    }
    victim.kill9();
    synchronized (this) {
      kills++;
      a = launch("a");
    }
  }

  synchronized void startB() throws Exception {
    b = launch("b");
  }

  void stopB() throws Exception {
    ServiceProcess leaving;
    synchronized (this) {
      leaving = b;
      b = null;
    }
    if (leaving != null) {
      leaving.stop();
    }
  }

  synchronized int kills() {
    return kills;
  }

  /** Fails when an instance that should be running has died by itself. */
  synchronized void checkAlive() {
    if (a != null && !a.alive()) {
      throw new IllegalStateException("service instance a died by itself, see its log in " + logDir);
    }
  }

  void stopAll() throws Exception {
    stopB();
    ServiceProcess last;
    synchronized (this) {
      last = a;
      a = null;
    }
    if (last != null) {
      last.stop();
    }
  }

  /** Duplicates skipped on the Redis fast path and by the ledger, over every life. */
  synchronized long[] duplicates() {
    long redis = 0;
    long ledger = 0;
    for (ServiceProcess p : lives) {
      long[] c = p.lastCounts();
      redis += c[3];
      ledger += c[4];
    }
    return new long[] {redis, ledger};
  }

  private ServiceProcess launch(String name) throws Exception {
    Path log = logDir.resolve("service-" + name + "-" + (lives.size() + 1) + ".log");
    ServiceProcess p = ServiceProcess.start(jar, env, log);
    lives.add(p);
    return p;
  }
}
