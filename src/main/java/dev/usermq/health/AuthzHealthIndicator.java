package dev.usermq.health;

import dev.usermq.config.AuthzProperties;
import dev.usermq.proto.shared.authz.v1.AuthzServiceGrpc;
import dev.usermq.proto.shared.authz.v1.CheckPermissionRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Whether the authz service answers within the call deadline (health contributor {@code authz}).
 * The probe is a permission check of user 0: any answer, even an error status, proves the service
 * is there.
 */
@Component
public class AuthzHealthIndicator implements HealthIndicator {

  private static final Set<Status.Code> DOWN =
      Set.of(Status.Code.UNAVAILABLE, Status.Code.DEADLINE_EXCEEDED);
  private static final CheckPermissionRequest PROBE =
      CheckPermissionRequest.newBuilder().setUserId(0).setPermission("health.check").build();

  private final AuthzServiceGrpc.AuthzServiceBlockingStub stub;
  private final long deadlineMillis;

  public AuthzHealthIndicator(ManagedChannel authzChannel, AuthzProperties authz) {
    this.stub = AuthzServiceGrpc.newBlockingStub(authzChannel);
    this.deadlineMillis = authz.deadline().toMillis();
  }

  @Override
  public Health health() {
    try {
      stub.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS).checkPermission(PROBE);
      return Health.up().build();
    } catch (StatusRuntimeException e) {
      Health.Builder health = DOWN.contains(e.getStatus().getCode()) ? Health.down() : Health.up();
      return health.withDetail("status", e.getStatus().getCode().name()).build();
    }
  }
}
