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

  /** Status codes that say "try again later" rather than "this request is wrong". */
  private static final Set<Status.Code> TRANSIENT =
      EnumSet.of(
          Status.Code.UNAVAILABLE,
          Status.Code.DEADLINE_EXCEEDED,
          Status.Code.RESOURCE_EXHAUSTED,
          Status.Code.ABORTED,
          Status.Code.CANCELLED);

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
    GrantRoleRequest request = GrantRoleRequest.newBuilder().setUserId(userId).setRole(role).build();
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
      if (TRANSIENT.contains(e.getStatus().getCode())) {
        throw new DependencyUnavailableException("authz " + method + ": " + e.getStatus(), e);
      }
      throw new AuthzCallException("authz " + method + " failed: " + e.getStatus(), e);
    }
  }
}
