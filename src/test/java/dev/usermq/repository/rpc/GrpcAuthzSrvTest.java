package dev.usermq.repository.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.usermq.embedded.AuthzStubService;
import dev.usermq.proto.shared.authz.v1.AuthzServiceGrpc;
import dev.usermq.proto.shared.authz.v1.GrantRoleRequest;
import dev.usermq.proto.shared.authz.v1.GrantRoleResponse;
import dev.usermq.proto.shared.authz.v1.RevokeRolesRequest;
import dev.usermq.proto.shared.authz.v1.RevokeRolesResponse;
import dev.usermq.repository.DependencyUnavailableException;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The real client against in-process gRPC servers. */
class GrpcAuthzSrvTest {

  private Server server;
  private ManagedChannel channel;
  private final CountDownLatch never = new CountDownLatch(1);

  @AfterEach
  void stop() {
    never.countDown();
    channel.shutdownNow();
    server.shutdownNow();
  }

  @Test
  void grantedMemberHoldsPermissionsUntilRolesAreRevoked() throws Exception {
    AuthzSrv authz = client(new AuthzStubService(), Duration.ofSeconds(2));

    assertThat(authz.checkPermission(7, "user.third_auth.bind")).isFalse();
    authz.grantRole(7, "member");
    assertThat(authz.checkPermission(7, "user.third_auth.bind")).isTrue();
    authz.revokeRoles(7);
    assertThat(authz.checkPermission(7, "user.third_auth.bind")).isFalse();
  }

  @Test
  void aCallPastItsDeadlineIsADependencyUnavailable() throws Exception {
    AuthzSrv authz =
        client(
            new AuthzServiceGrpc.AuthzServiceImplBase() {
              @Override
              public void grantRole(GrantRoleRequest request, StreamObserver<GrantRoleResponse> response) {
                try {
                  never.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
            },
            Duration.ofMillis(100));

    assertThatThrownBy(() -> authz.grantRole(1, "member"))
        .isInstanceOf(DependencyUnavailableException.class)
        .hasMessageContaining("DEADLINE_EXCEEDED");
  }

  @Test
  void unavailableIsTransientAndOtherErrorsAreNot() throws Exception {
    AuthzSrv authz =
        client(
            new AuthzServiceGrpc.AuthzServiceImplBase() {
              @Override
              public void grantRole(GrantRoleRequest request, StreamObserver<GrantRoleResponse> response) {
                response.onError(Status.UNAVAILABLE.withDescription("restarting").asRuntimeException());
              }

              @Override
              public void revokeRoles(RevokeRolesRequest request, StreamObserver<RevokeRolesResponse> response) {
                response.onError(Status.PERMISSION_DENIED.asRuntimeException());
              }
            },
            Duration.ofSeconds(2));

    assertThatThrownBy(() -> authz.grantRole(1, "member")).isInstanceOf(DependencyUnavailableException.class);
    assertThatThrownBy(() -> authz.revokeRoles(1))
        .isInstanceOf(AuthzCallException.class)
        .hasMessageContaining("PERMISSION_DENIED");
  }

  private AuthzSrv client(io.grpc.BindableService service, Duration deadline) throws Exception {
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).addService(service).build().start();
    channel = InProcessChannelBuilder.forName(name).build();
    return new GrpcAuthzSrv(AuthzServiceGrpc.newBlockingStub(channel), deadline);
  }
}
