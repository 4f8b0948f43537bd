package dev.usermq.health;

import dev.usermq.proto.shared.authz.v1.AuthzServiceGrpc;
import dev.usermq.proto.shared.authz.v1.AuthzServiceGrpc.AuthzServiceBlockingStub;
import dev.usermq.proto.shared.authz.v1.CheckPermissionRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Health of the authz service ({@code authz} in /actuator/health): asks it a harmless question with
 * a short deadline. Down when it cannot be reached in time; up on any answer, even an error status,
 * since a service that answers is there.
 */
@Component("authzHealthIndicator")
public class AuthzHealthIndicator implements HealthIndicator {

  /** Below the probes' timeout (3 s in the chart), with room for the other checks. */
  private static final long DEADLINE_MS = 1000;

  private static final CheckPermissionRequest QUESTION =
      CheckPermissionRequest.newBuilder().setUserId(0).setPermission("health.check").build();

  private final AuthzServiceBlockingStub stub;

  public AuthzHealthIndicator(ManagedChannel authzChannel) {
    this.stub = AuthzServiceGrpc.newBlockingStub(authzChannel);
  }

  @Override
  public Health health() {
    try {
      stub.withDeadlineAfter(DEADLINE_MS, TimeUnit.MILLISECONDS).checkPermission(QUESTION);
      return Health.up().build();
    } catch (StatusRuntimeException e) {
      Status.Code code = e.getStatus().getCode();
      boolean unreachable =
          code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED;
      return (unreachable ? Health.down() : Health.up()).withDetail("status", code.name()).build();
    }
  }
}
