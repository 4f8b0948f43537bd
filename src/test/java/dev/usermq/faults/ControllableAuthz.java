package dev.usermq.faults;

import dev.usermq.proto.shared.authz.v1.AuthzServiceGrpc;
import dev.usermq.proto.shared.authz.v1.CheckPermissionRequest;
import dev.usermq.proto.shared.authz.v1.CheckPermissionResponse;
import dev.usermq.proto.shared.authz.v1.GrantRoleRequest;
import dev.usermq.proto.shared.authz.v1.GrantRoleResponse;
import dev.usermq.proto.shared.authz.v1.RevokeRolesRequest;
import dev.usermq.proto.shared.authz.v1.RevokeRolesResponse;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The authz service of the suite, in the test JVM, reached by the service over TCP. It keeps the
 * real role state per user id, as a real authz would: every GrantRole and RevokeRoles it applied
 * counts, including those it answered late or with an error after applying them. That state
 * outlives service restarts and is what the oracle checks G6 against.
 *
 * <p>Faults: answer UNAVAILABLE (nothing applied), answer after the caller's deadline (applied
 * late, after the caller gave up), answer UNKNOWN (an uncaught exception on the server's side,
 * before or after applying), or apply a write at once and answer only after the caller's deadline.
 * The last two apply to one call in {@link #every(int)} calls.
 */
public final class ControllableAuthz extends AuthzServiceGrpc.AuthzServiceImplBase
    implements AutoCloseable {

  /** The role that carries the permissions: a user may bind accounts only while holding it. */
  public static final String MEMBER = "member";

  public enum Mode {
    NORMAL,
    /** Every call fails with UNAVAILABLE; nothing is applied. */
    UNAVAILABLE,
    /** Every call is applied only after the caller's deadline, then answered. */
    SLOW,
    /**
     * Calls fail with UNKNOWN; every other write is applied first (the exception came after the
     * write), the rest are not applied.
     */
    UNKNOWN,
    /**
     * Writes (GrantRole, RevokeRoles) are applied at once and answered after the caller's deadline:
     * the caller sees DEADLINE_EXCEEDED although the write happened. Reads stay normal.
     */
    LATE_AFTER_APPLY
  }

  /** The role state and the order of the writes applied to it, for the oracle. */
  public record State(
      Map<Long, Set<String>> roles, Map<Long, Long> lastGrant, Map<Long, Long> lastRevoke) {

    Set<String> rolesOf(long userId) {
      return roles.getOrDefault(userId, Set.of());
    }
  }

  private volatile Mode mode = Mode.NORMAL;
  private volatile int every = 1;
  private final long slowMillis;
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong calls = new AtomicLong();
  private final Server server;
  // guarded by this
  private final Map<Long, Set<String>> roles = new HashMap<>();
  private final Map<Long, Long> lastGrant = new HashMap<>();
  private final Map<Long, Long> lastRevoke = new HashMap<>();
  private long writes;

  public ControllableAuthz(long slowMillis) throws IOException {
    this.slowMillis = slowMillis;
    this.server =
        Grpc.newServerBuilderForPort(Ports.free(), InsecureServerCredentials.create())
            .addService(this)
            .executor(Executors.newCachedThreadPool())
            .build()
            .start();
  }

  public String target() {
    return "127.0.0.1:" + server.getPort();
  }

  public void mode(Mode mode) {
    this.mode = mode;
  }

  /**
   * The UNKNOWN and LATE_AFTER_APPLY faults hit one call in {@code n}; 1 (the default): every call.
   */
  public void every(int n) {
    this.every = Math.max(1, n);
  }

  /** Fresh role state, for a new scenario. */
  public synchronized void reset() {
    roles.clear();
    lastGrant.clear();
    lastRevoke.clear();
    mode = Mode.NORMAL;
    every = 1;
  }

  /** A copy of the role state now. */
  public synchronized State state() {
    Map<Long, Set<String>> copy = new HashMap<>();
    roles.forEach((user, held) -> copy.put(user, Set.copyOf(held)));
    return new State(copy, Map.copyOf(lastGrant), Map.copyOf(lastRevoke));
  }

  /** How many users hold the role now. */
  public synchronized long holding(String role) {
    return roles.values().stream().filter(held -> held.contains(role)).count();
  }

  public long refusedCalls() {
    return refused.get();
  }

  @Override
  public void checkPermission(
      CheckPermissionRequest request, StreamObserver<CheckPermissionResponse> response) {
    Mode now = mode;
    if (refuse(now, false, response)) {
      return;
    }
    boolean allowed;
    synchronized (this) {
      allowed = roles.getOrDefault(request.getUserId(), Set.of()).contains(MEMBER);
    }
    if (now == Mode.SLOW) {
      late();
    }
    response.onNext(CheckPermissionResponse.newBuilder().setAllowed(allowed).build());
    response.onCompleted();
  }

  @Override
  public void grantRole(GrantRoleRequest request, StreamObserver<GrantRoleResponse> response) {
    write(
        response,
        GrantRoleResponse.getDefaultInstance(),
        () -> grant(request.getUserId(), request.getRole()));
  }

  @Override
  public void revokeRoles(
      RevokeRolesRequest request, StreamObserver<RevokeRolesResponse> response) {
    write(response, RevokeRolesResponse.getDefaultInstance(), () -> revoke(request.getUserId()));
  }

  private synchronized void grant(long userId, String role) {
    roles.computeIfAbsent(userId, id -> new HashSet<>()).add(role);
    lastGrant.put(userId, ++writes);
  }

  private synchronized void revoke(long userId) {
    roles.remove(userId);
    lastRevoke.put(userId, ++writes);
  }

  private <T> void write(StreamObserver<T> response, T answer, Runnable apply) {
    Mode now = mode;
    if (now == Mode.UNKNOWN) {
      long n = calls.incrementAndGet();
      if (n % every == 0) {
        refused.incrementAndGet();
        // every other failed write got as far as the write before the exception
        if ((n / every) % 2 == 0) {
          apply.run();
        }
        response.onError(
            Status.UNKNOWN
                .withDescription("fault injected: uncaught exception")
                .asRuntimeException());
        return;
      }
    } else if (refuse(now, true, response)) {
      return;
    }
    if (now == Mode.SLOW) {
      // the caller gives up at its deadline; the work is still done, as a slow server would
      late();
      apply.run();
    } else if (now == Mode.LATE_AFTER_APPLY && calls.incrementAndGet() % every == 0) {
      // done at once, answered when the caller has given up: it sees DEADLINE_EXCEEDED
      apply.run();
      late();
    } else {
      apply.run();
    }
    response.onNext(answer);
    response.onCompleted();
  }

  private boolean refuse(Mode now, boolean write, StreamObserver<?> response) {
    if (now == Mode.UNAVAILABLE || (now == Mode.UNKNOWN && !write)) {
      refused.incrementAndGet();
      Status status = now == Mode.UNAVAILABLE ? Status.UNAVAILABLE : Status.UNKNOWN;
      response.onError(status.withDescription("fault injected").asRuntimeException());
      return true;
    }
    return false;
  }

  private void late() {
    refused.incrementAndGet();
    Procs.sleep(slowMillis);
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
