package dev.usermq.repository.rpc;

import dev.usermq.proto.shared.authz.v1.AuthzServiceGrpc.AuthzServiceBlockingStub;
import dev.usermq.proto.shared.authz.v1.CheckPermissionRequest;
import dev.usermq.proto.shared.authz.v1.GrantRoleRequest;
import dev.usermq.proto.shared.authz.v1.RevokeRolesRequest;
import dev.usermq.repository.DependencyUnavailableException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** {@link AuthzSrv} over the generated gRPC stub, with a deadline on every call. */
public class GrpcAuthzSrv implements AuthzSrv {

  /**
   * Status codes that say "this request is wrong": the same request would fail again, so it is not
   * retried. Every other code says nothing about the request but about the server or the way to it
   * (down, overloaded, past the deadline, an uncaught exception on its side or a proxy's 500 as
   * UNKNOWN or INTERNAL, a reply that does not parse, a deployment without the method, credentials
   * it does not take): a fault of the dependency, retried until it is fixed, never dead-lettered.
   */
  private static final Set<Status.Code> REQUEST_REJECTED =
      EnumSet.of(
          Status.Code.INVALID_ARGUMENT,
          Status.Code.NOT_FOUND,
          Status.Code.ALREADY_EXISTS,
          Status.Code.PERMISSION_DENIED,
          Status.Code.FAILED_PRECONDITION,
          Status.Code.OUT_OF_RANGE);

  /** True if an answer with this code says the request is wrong, not that authz is failing. */
  public static boolean rejectsRequest(Status.Code code) {
    return REQUEST_REJECTED.contains(code);
  }

  private final AuthzServiceBlockingStub stub;
  private final Duration deadline;

  public GrpcAuthzSrv(AuthzServiceBlockingStub stub, Duration deadline) {
    this.stub = stub;
    this.deadline = deadline;
  }

  @Override
  public boolean checkPermission(long userId, String permission) {
    CheckPermissionRequest request =
        CheckPermissionRequest.newBuilder().setUserId(userId).setPermission(permission).build();
    return call("CheckPermission", s -> s.checkPermission(request)).getAllowed();
  }

  @Override
  public void grantRole(long userId, String role) {
    GrantRoleRequest request =
        GrantRoleRequest.newBuilder().setUserId(userId).setRole(role).build();
    call("GrantRole", s -> s.grantRole(request));
  }

  @Override
  public void revokeRoles(long userId) {
    RevokeRolesRequest request = RevokeRolesRequest.newBuilder().setUserId(userId).build();
    call("RevokeRoles", s -> s.revokeRoles(request));
  }

  private <T> T call(String method, Function<AuthzServiceBlockingStub, T> rpc) {
    try {
      return rpc.apply(stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS));
    } catch (StatusRuntimeException e) {
      if (rejectsRequest(e.getStatus().getCode())) {
        throw new AuthzCallException("authz " + method + " failed: " + e.getStatus(), e);
      }
      throw new DependencyUnavailableException("authz " + method + ": " + e.getStatus(), e);
    }
  }
}
