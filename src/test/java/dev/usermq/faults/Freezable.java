package dev.usermq.faults;

/**
 * A server process a scenario can freeze: SIGSTOP keeps its sockets open and answers nothing, as a
 * host that hangs or a stalled disk would; SIGCONT lets it go on where it stopped.
 */
public interface Freezable {

  /** The pid of the server process. */
  long pid() throws Exception;

  /** SIGSTOP of the server process; returns the pid, for {@link #thaw(long)}. */
  default long freeze() throws Exception {
    long pid = pid();
    Procs.signal(pid, "STOP");
    return pid;
  }

  /** SIGCONT of the frozen process. */
  default void thaw(long pid) throws Exception {
    Procs.signal(pid, "CONT");
  }
}
