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
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.boot.actuate.health.Health;

/**
 * The authz health indicator against in-process gRPC servers: the standard {@code grpc.health.v1}
 * check where the server has it, else a {@code CheckPermission} that must really be answered.
 */
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
  void withoutAHealthServiceAnAnsweredQuestionIsUp() throws Exception {
    Health health = health(new AuthzStubService());

    assertThat(health.getStatus().getCode()).isEqualTo("UP");
    assertThat(health.getDetails()).containsEntry("check", "CheckPermission");
  }

  @ParameterizedTest
  @EnumSource(
      value = Status.Code.class,
      names = {"PERMISSION_DENIED", "INVALID_ARGUMENT", "NOT_FOUND"})
  void anAnswerAboutTheQuestionIsUp(Status.Code code) throws Exception {
    Health health = health(failingWith(code.toStatus()));

    assertThat(health.getStatus().getCode()).isEqualTo("UP");
    assertThat(health.getDetails()).containsEntry("status", code.name());
  }

  /** An uncaught exception on their side, a proxy's 500, a shed request: nothing was answered. */
  @ParameterizedTest
  @EnumSource(
      value = Status.Code.class,
      names = {"UNKNOWN", "INTERNAL", "RESOURCE_EXHAUSTED", "UNAVAILABLE"})
  void anErrorOfTheServiceIsDown(Status.Code code) throws Exception {
    Health health = health(failingWith(code.toStatus()));

    assertThat(health.getStatus().getCode()).isEqualTo("DOWN");
    assertThat(health.getDetails()).containsEntry("status", code.name());
  }

  @Test
  void aServiceThatDoesNotAnswerInTimeIsDown() throws Exception {
    Health health = health(silent());

    assertThat(health.getStatus().getCode()).isEqualTo("DOWN");
    assertThat(health.getDetails()).containsEntry("status", "DEADLINE_EXCEEDED");
  }

  /** The health service's answer is what counts, even when a question would not be answered. */
  @Test
  void aServingHealthServiceIsUp() throws Exception {
    HealthStatusManager manager = new HealthStatusManager();

    Health health = health(silent(), manager.getHealthService());

    assertThat(health.getStatus().getCode()).isEqualTo("UP");
    assertThat(health.getDetails())
        .containsEntry("check", "grpc.health.v1")
        .containsEntry("serving", "SERVING");
  }

  @Test
  void aNotServingHealthServiceIsDownEvenWhenQuestionsAreAnswered() throws Exception {
    HealthStatusManager manager = new HealthStatusManager();
    manager.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.NOT_SERVING);

    Health health = health(new AuthzStubService(), manager.getHealthService());

    assertThat(health.getStatus().getCode()).isEqualTo("DOWN");
    assertThat(health.getDetails()).containsEntry("serving", "NOT_SERVING");
  }

  /** A server that reports the authz service on its own is asked about that service. */
  @Test
  void theAuthzServiceItselfNotServingIsDown() throws Exception {
    HealthStatusManager manager = new HealthStatusManager();
    manager.setStatus(AuthzServiceGrpc.SERVICE_NAME, ServingStatus.NOT_SERVING);

    Health health = health(new AuthzStubService(), manager.getHealthService());

    assertThat(health.getStatus().getCode()).isEqualTo("DOWN");
    assertThat(health.getDetails()).containsEntry("serving", "NOT_SERVING");
  }

  private BindableService silent() {
    return new AuthzServiceGrpc.AuthzServiceImplBase() {
      @Override
      public void checkPermission(
          CheckPermissionRequest request, StreamObserver<CheckPermissionResponse> response) {
        try {
          never.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    };
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

  private Health health(BindableService... services) throws Exception {
    String name = InProcessServerBuilder.generateName();
    InProcessServerBuilder builder = InProcessServerBuilder.forName(name);
    for (BindableService service : services) {
      builder.addService(service);
    }
    server = builder.build().start();
    channel = InProcessChannelBuilder.forName(name).build();
    return new AuthzHealthIndicator(channel).health();
  }
}
