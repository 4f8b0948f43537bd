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
  private final List<String> jvmArgs;
  private final Map<String, String> env;
  private final Path logDir;
  private final List<ServiceProcess> lives = new ArrayList<>();
  private ServiceProcess a;
  private ServiceProcess b;
  private int kills;

  Fleet(Path jar, List<String> jvmArgs, Map<String, String> env, Path logDir) {
    this.jar = jar;
    this.jvmArgs = jvmArgs;
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

  synchronized ServiceProcess startB() throws Exception {
    b = launch("b");
    return b;
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
      throw new IllegalStateException(
          "service instance a died by itself, see its log in " + logDir);
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

  /** What each life did, e.g. {@code a-1 applied=.. dead-lettered=..}, for the suite's log. */
  synchronized String describeLives() {
    StringBuilder out = new StringBuilder();
    for (ServiceProcess p : lives) {
      long[] c = p.lastCounts();
      out.append(
          String.format(
              "%n    %s: applied=%d noop=%d rejected=%d dup(redis)=%d dup(ledger)=%d dead-lettered=%d",
              p.name(), c[0], c[1], c[2], c[3], c[4], c[5]));
    }
    return out.toString();
  }

  private ServiceProcess launch(String name) throws Exception {
    String life = name + "-" + (lives.size() + 1);
    ServiceProcess p =
        ServiceProcess.start(life, jar, jvmArgs, env, logDir.resolve("service-" + life + ".log"));
    lives.add(p);
    return p;
  }
}
