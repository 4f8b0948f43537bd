package dev.usermq.embedded;

import dev.usermq.proto.shared.authz.v1.AuthzServiceGrpc;
import dev.usermq.proto.shared.authz.v1.CheckPermissionRequest;
import dev.usermq.proto.shared.authz.v1.CheckPermissionResponse;
import dev.usermq.proto.shared.authz.v1.GrantRoleRequest;
import dev.usermq.proto.shared.authz.v1.GrantRoleResponse;
import dev.usermq.proto.shared.authz.v1.RevokeRolesRequest;
import dev.usermq.proto.shared.authz.v1.RevokeRolesResponse;
import io.grpc.stub.StreamObserver;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A small, real {@code AuthzService} for local runs and tests: roles live in memory, and a user
 * holds every permission exactly while holding the {@code member} role.
 */
public class AuthzStubService extends AuthzServiceGrpc.AuthzServiceImplBase {

  /** The role that carries the permissions. */
  public static final String MEMBER = "member";

  private final Map<Long, Set<String>> roles = new ConcurrentHashMap<>();

  @Override
  public void checkPermission(
      CheckPermissionRequest request, StreamObserver<CheckPermissionResponse> response) {
    boolean allowed = rolesOf(request.getUserId()).contains(MEMBER);
    response.onNext(CheckPermissionResponse.newBuilder().setAllowed(allowed).build());
    response.onCompleted();
  }

  @Override
  public void grantRole(GrantRoleRequest request, StreamObserver<GrantRoleResponse> response) {
    roles
        .computeIfAbsent(request.getUserId(), id -> ConcurrentHashMap.newKeySet())
        .add(request.getRole());
    response.onNext(GrantRoleResponse.getDefaultInstance());
    response.onCompleted();
  }

  @Override
  public void revokeRoles(
      RevokeRolesRequest request, StreamObserver<RevokeRolesResponse> response) {
    roles.remove(request.getUserId());
    response.onNext(RevokeRolesResponse.getDefaultInstance());
    response.onCompleted();
  }

  /** The roles the user holds now. */
  public Set<String> rolesOf(long userId) {
    return Set.copyOf(roles.getOrDefault(userId, Set.of()));
  }
}
