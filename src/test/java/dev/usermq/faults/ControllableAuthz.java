package dev.usermq.faults;

import dev.usermq.embedded.AuthzStubService;
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
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The authz service of the suite, in the test JVM, reached by the service over TCP. It delegates
 * to an {@link AuthzStubService} (whose role state outlives service restarts) and can be switched
 * to answer UNAVAILABLE or to answer later than the caller's deadline.
 */
final class ControllableAuthz extends AuthzServiceGrpc.AuthzServiceImplBase implements AutoCloseable {

  enum Mode {
    NORMAL,
    UNAVAILABLE,
    SLOW
  }

  private volatile Mode mode = Mode.NORMAL;
  private volatile AuthzStubService roles = new AuthzStubService();
  private final long slowMillis;
  private final AtomicLong refused = new AtomicLong();
  private final Server server;

  ControllableAuthz(long slowMillis) throws IOException {
    this.slowMillis = slowMillis;
    this.server =
        Grpc.newServerBuilderForPort(Ports.free(), InsecureServerCredentials.create())
            .addService(this)
            .executor(Executors.newCachedThreadPool())
            .build()
            .start();
  }

  String target() {
    return "127.0.0.1:" + server.getPort();
  }

  void mode(Mode mode) {
    this.mode = mode;
  }

  /** Fresh role state, for a new scenario. */
  void reset() {
    roles = new AuthzStubService();
    mode = Mode.NORMAL;
  }

  AuthzStubService roles() {
    return roles;
  }

  long refusedCalls() {
    return refused.get();
  }

  @Override
  public void checkPermission(
      CheckPermissionRequest request, StreamObserver<CheckPermissionResponse> response) {
    serve(response, r -> roles.checkPermission(request, r));
  }

  @Override
  public void grantRole(GrantRoleRequest request, StreamObserver<GrantRoleResponse> response) {
    serve(response, r -> roles.grantRole(request, r));
  }

  @Override
  public void revokeRoles(RevokeRolesRequest request, StreamObserver<RevokeRolesResponse> response) {
    serve(response, r -> roles.revokeRoles(request, r));
  }

  private <T> void serve(StreamObserver<T> response, Consumer<StreamObserver<T>> call) {
    Mode now = mode;
    if (now == Mode.UNAVAILABLE) {
      refused.incrementAndGet();
      response.onError(Status.UNAVAILABLE.withDescription("fault injected").asRuntimeException());
      return;
    }
    if (now == Mode.SLOW) {
      // the caller gives up at its deadline; the work is still done, as a slow server would
      refused.incrementAndGet();
      Procs.sleep(slowMillis);
    }
    call.accept(response);
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
