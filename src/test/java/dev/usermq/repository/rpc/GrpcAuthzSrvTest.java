package dev.usermq.repository.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.usermq.embedded.AuthzStubService;
import dev.usermq.proto.shared.authz.v1.AuthzServiceGrpc;
import dev.usermq.proto.shared.authz.v1.GrantRoleRequest;
import dev.usermq.proto.shared.authz.v1.GrantRoleResponse;
import dev.usermq.proto.shared.authz.v1.RevokeRolesRequest;
import dev.usermq.proto.shared.authz.v1.RevokeRolesResponse;
import dev.usermq.repository.DependencyUnavailableException;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

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
              public void grantRole(
                  GrantRoleRequest request, StreamObserver<GrantRoleResponse> response) {
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
              public void grantRole(
                  GrantRoleRequest request, StreamObserver<GrantRoleResponse> response) {
                response.onError(
                    Status.UNAVAILABLE.withDescription("restarting").asRuntimeException());
              }

              @Override
              public void revokeRoles(
                  RevokeRolesRequest request, StreamObserver<RevokeRolesResponse> response) {
                response.onError(Status.PERMISSION_DENIED.asRuntimeException());
              }
            },
            Duration.ofSeconds(2));

    assertThatThrownBy(() -> authz.grantRole(1, "member"))
        .isInstanceOf(DependencyUnavailableException.class);
    assertThatThrownBy(() -> authz.revokeRoles(1))
        .isInstanceOf(AuthzCallException.class)
        .hasMessageContaining("PERMISSION_DENIED");
  }

  @ParameterizedTest
  @EnumSource(
      value = Status.Code.class,
      names = {
        "UNKNOWN",
        "INTERNAL",
        "UNAVAILABLE",
        "DEADLINE_EXCEEDED",
        "RESOURCE_EXHAUSTED",
        "ABORTED",
        "CANCELLED",
        "DATA_LOSS",
        "UNIMPLEMENTED",
        "UNAUTHENTICATED"
      })
  void anErrorThatSaysNothingAboutTheRequestIsADependencyUnavailable(Status.Code code)
      throws Exception {
    AuthzSrv authz = client(failingWith(code), Duration.ofSeconds(2));

    assertThatThrownBy(() -> authz.grantRole(1, "member"))
        .isInstanceOf(DependencyUnavailableException.class)
        .hasMessageContaining(code.name())
        .hasCauseInstanceOf(StatusRuntimeException.class);
  }

  @ParameterizedTest
  @EnumSource(
      value = Status.Code.class,
      names = {
        "INVALID_ARGUMENT",
        "NOT_FOUND",
        "ALREADY_EXISTS",
        "PERMISSION_DENIED",
        "FAILED_PRECONDITION",
        "OUT_OF_RANGE"
      })
  void anErrorAboutTheRequestIsNotRetried(Status.Code code) throws Exception {
    AuthzSrv authz = client(failingWith(code), Duration.ofSeconds(2));

    assertThatThrownBy(() -> authz.grantRole(1, "member"))
        .isInstanceOf(AuthzCallException.class)
        .hasMessageContaining(code.name());
  }

  @Test
  void aReplyThatIsNotProtobufIsADependencyUnavailableNotAParseErrorOfTheRecord() throws Exception {
    // a server (or a proxy in front of it) that answers GrantRole with bytes that are no
    // GrantRoleResponse: the client's marshaller fails to parse them
    MethodDescriptor<byte[], byte[]> grantRole =
        AuthzServiceGrpc.getGrantRoleMethod().toBuilder(RAW, RAW).build();
    ServerServiceDefinition garbage =
        ServerServiceDefinition.builder(AuthzServiceGrpc.SERVICE_NAME)
            .addMethod(
                grantRole,
                ServerCalls.asyncUnaryCall(
                    (request, response) -> {
                      response.onNext(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff});
                      response.onCompleted();
                    }))
            .build();
    AuthzSrv authz = client(() -> garbage, Duration.ofSeconds(2));

    Throwable thrown = catchThrowable(() -> authz.grantRole(1, "member"));

    assertThat(thrown).isInstanceOf(DependencyUnavailableException.class);
    assertThat(thrown)
        .as("the parse failure of the reply is in the chain")
        .hasRootCauseInstanceOf(InvalidProtocolBufferException.class);
  }

  private static final MethodDescriptor.Marshaller<byte[]> RAW =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  private static AuthzServiceGrpc.AuthzServiceImplBase failingWith(Status.Code code) {
    return new AuthzServiceGrpc.AuthzServiceImplBase() {
      @Override
      public void grantRole(GrantRoleRequest request, StreamObserver<GrantRoleResponse> response) {
        response.onError(Status.fromCode(code).withDescription("test").asRuntimeException());
      }
    };
  }

  private AuthzSrv client(io.grpc.BindableService service, Duration deadline) throws Exception {
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).addService(service).build().start();
    channel = InProcessChannelBuilder.forName(name).build();
    return new GrpcAuthzSrv(AuthzServiceGrpc.newBlockingStub(channel), deadline);
  }
}
