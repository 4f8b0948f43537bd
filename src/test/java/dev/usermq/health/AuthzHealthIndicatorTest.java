package dev.usermq.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usermq.embedded.AuthzStubService;
import dev.usermq.proto.shared.authz.v1.AuthzServiceGrpc;
import dev.usermq.proto.shared.authz.v1.CheckPermissionRequest;
import dev.usermq.proto.shared.authz.v1.CheckPermissionResponse;
import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Health;

/** The authz health indicator against in-process gRPC servers. */
class AuthzHealthIndicatorTest {

  private final CountDownLatch never = new CountDownLatch(1);
  private Server server;
  private ManagedChannel channel;

  @AfterEach
  void stop() {
    never.countDown();
    if (channel != null) {
      channel.shutdownNow();
    }
    if (server != null) {
      server.shutdownNow();
    }
  }

  @Test
  void anAnswerIsUp() throws Exception {
    assertThat(health(new AuthzStubService()).getStatus().getCode()).isEqualTo("UP");
  }

  @Test
  void anErrorStatusOtherThanUnreachableIsStillUp() throws Exception {
    Health health = health(failingWith(Status.PERMISSION_DENIED));

    assertThat(health.getStatus().getCode()).isEqualTo("UP");
    assertThat(health.getDetails()).containsEntry("status", "PERMISSION_DENIED");
  }

  @Test
  void anUnavailableServiceIsDown() throws Exception {
    Health health = health(failingWith(Status.UNAVAILABLE));

    assertThat(health.getStatus().getCode()).isEqualTo("DOWN");
    assertThat(health.getDetails()).containsEntry("status", "UNAVAILABLE");
  }

  @Test
  void aServiceThatDoesNotAnswerInTimeIsDown() throws Exception {
    Health health =
        health(
            new AuthzServiceGrpc.AuthzServiceImplBase() {
              @Override
              public void checkPermission(
                  CheckPermissionRequest request,
                  StreamObserver<CheckPermissionResponse> response) {
                try {
                  never.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
            });

    assertThat(health.getStatus().getCode()).isEqualTo("DOWN");
    assertThat(health.getDetails()).containsEntry("status", "DEADLINE_EXCEEDED");
  }

  private static BindableService failingWith(Status status) {
    return new AuthzServiceGrpc.AuthzServiceImplBase() {
      @Override
      public void checkPermission(
          CheckPermissionRequest request, StreamObserver<CheckPermissionResponse> response) {
        response.onError(status.asRuntimeException());
      }
    };
  }

  private Health health(BindableService service) throws Exception {
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).addService(service).build().start();
    channel = InProcessChannelBuilder.forName(name).build();
    return new AuthzHealthIndicator(channel).health();
  }
}
