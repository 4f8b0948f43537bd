package dev.usermq.health;

import dev.usermq.proto.shared.authz.v1.AuthzServiceGrpc;
import dev.usermq.proto.shared.authz.v1.CheckPermissionRequest;
import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Health of the authz service ({@code authz} in /actuator/health), which also decides when a
 * consumer paused for authz resumes: so it is up only when authz really answers, never on an error
 * that says nothing about the question (a resumed consumer would only fail and pause again).
 *
 * <p>It asks the standard {@code grpc.health.v1.Health/Check}, first about the authz service and,
 * when the server does not know it by name, about the server as a whole: up only on {@code
 * SERVING}. A server without the health service ({@code UNIMPLEMENTED}) is asked a harmless {@code
 * CheckPermission} instead: up on an answer, or on an error about the question itself ({@code
 * PERMISSION_DENIED}, {@code INVALID_ARGUMENT}, {@code NOT_FOUND}, ...); down when it is
 * unreachable, too slow, or fails on its side ({@code UNKNOWN}, {@code INTERNAL}, {@code
 * RESOURCE_EXHAUSTED}, ...).
 */
@Component("authzHealthIndicator")
public class AuthzHealthIndicator implements HealthIndicator {

  /** For all calls of one check together: below the probes' timeout (3 s in the chart). */
  private static final long DEADLINE_MS = 1000;

  private static final HealthCheckRequest AUTHZ =
      HealthCheckRequest.newBuilder().setService(AuthzServiceGrpc.SERVICE_NAME).build();
  private static final HealthCheckRequest WHOLE_SERVER =
      HealthCheckRequest.newBuilder().setService("").build();
  private static final CheckPermissionRequest QUESTION =
      CheckPermissionRequest.newBuilder().setUserId(0).setPermission("health.check").build();

  /** Errors that answer the question: the service looked at it, so it works. */
  private static final Set<Status.Code> ANSWERS =
      EnumSet.of(
          Status.Code.OK,
          Status.Code.PERMISSION_DENIED,
          Status.Code.INVALID_ARGUMENT,
          Status.Code.NOT_FOUND,
          Status.Code.ALREADY_EXISTS,
          Status.Code.FAILED_PRECONDITION,
          Status.Code.OUT_OF_RANGE);

  private final ManagedChannel channel;

  public AuthzHealthIndicator(ManagedChannel authzChannel) {
    this.channel = authzChannel;
  }

  /**
   * After authz was gone, the channel tries to connect at once ({@code AuthzChannel}), and the
   * check waits for that within its deadline: the first check after authz is back is up.
   */
  @Override
  public Health health() {
    Deadline deadline = Deadline.after(DEADLINE_MS, TimeUnit.MILLISECONDS);
    try {
      return healthService(deadline);
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
        return question(deadline);
      }
      return down("grpc.health.v1", e);
    }
  }

  private Health healthService(Deadline deadline) {
    HealthGrpc.HealthBlockingStub stub =
        HealthGrpc.newBlockingStub(channel).withDeadline(deadline).withWaitForReady();
    ServingStatus serving;
    try {
      serving = stub.check(AUTHZ).getStatus();
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
        throw e;
      }
      serving = stub.check(WHOLE_SERVER).getStatus();
    }
    return (serving == ServingStatus.SERVING ? Health.up() : Health.down())
        .withDetail("check", "grpc.health.v1")
        .withDetail("serving", serving.name())
        .build();
  }

  private Health question(Deadline deadline) {
    try {
      AuthzServiceGrpc.newBlockingStub(channel)
          .withDeadline(deadline)
          .withWaitForReady()
          .checkPermission(QUESTION);
      return Health.up().withDetail("check", "CheckPermission").build();
    } catch (StatusRuntimeException e) {
      if (ANSWERS.contains(e.getStatus().getCode())) {
        return Health.up()
            .withDetail("check", "CheckPermission")
            .withDetail("status", e.getStatus().getCode().name())
            .build();
      }
      return down("CheckPermission", e);
    }
  }

  private static Health down(String check, StatusRuntimeException e) {
    return Health.down()
        .withDetail("check", check)
        .withDetail("status", e.getStatus().getCode().name())
        .build();
  }
}
