package dev.usermq.repository.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.usermq.embedded.AuthzStubService;
import dev.usermq.health.AuthzHealthIndicator;
import dev.usermq.proto.shared.authz.v1.AuthzServiceGrpc;
import dev.usermq.repository.DependencyUnavailableException;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ThrowingRunnable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Status;

/**
 * The authz channel after authz was gone (its server stopped, not answering errors), against a real
 * gRPC server on a port: while it is gone, gRPC waits longer and longer between its attempts to
 * connect (up to two minutes), so a call or a check soon after authz is back would still fail
 * unless the channel tries again at once.
 */
class AuthzReconnectTest {

  /** Long enough for gRPC's own wait before its next attempt to be several seconds. */
  private static final Duration OUTAGE = Duration.ofSeconds(10);

  private final HealthStatusManager health = new HealthStatusManager();
  private Server server;
  private ManagedChannel channel;
  private int port;

  @BeforeEach
  void start() throws IOException {
    server = serve(0);
    port = server.getPort();
    channel = AuthzChannel.open("127.0.0.1:" + port, InsecureChannelCredentials.create());
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  @Test
  void theHealthCheckIsUpAsSoonAsAuthzIsBack() throws Exception {
    AuthzHealthIndicator indicator = new AuthzHealthIndicator(channel);
    assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);

    outage(() -> assertThat(indicator.health().getStatus()).isEqualTo(Status.DOWN));

    // the check that decides whether a paused consumer resumes
    assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
  }

  @Test
  void aCallAfterAPauseOfTheCallersReachesAuthzOnceItIsBack() throws Exception {
    AuthzSrv authz =
        new GrpcAuthzSrv(AuthzServiceGrpc.newBlockingStub(channel), Duration.ofSeconds(2));
    authz.grantRole(1, "member");

    outage(
        () ->
            assertThatThrownBy(() -> authz.grantRole(2, "member"))
                .isInstanceOf(DependencyUnavailableException.class));

    // a call may still fail as the channel connects again; one within a short pause (the
    // retries' and the background delivery's are longer) reaches authz
    await()
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(50))
        .atMost(Duration.ofMillis(200))
        .ignoreException(DependencyUnavailableException.class)
        .untilAsserted(() -> authz.grantRole(3, "member"));
    assertThat(authz.checkPermission(3, "user.third_auth.bind")).isTrue();
  }

  /**
   * Authz stops; what {@code meanwhile} asserts holds all through the outage, asked every half
   * second; then authz starts again on its port.
   */
  private void outage(ThrowingRunnable meanwhile) throws Exception {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    await()
        .pollInterval(Duration.ofMillis(500))
        .during(OUTAGE)
        .atMost(OUTAGE.plusSeconds(5))
        .untilAsserted(meanwhile);
    server = serve(port);
  }

  private Server serve(int port) throws IOException {
    return Grpc.newServerBuilderForPort(port, InsecureServerCredentials.create())
        .addService(new AuthzStubService())
        .addService(health.getHealthService())
        .build()
        .start();
  }
}
