package dev.usermq.grpc;

import dev.usermq.config.GrpcProperties;
import dev.usermq.logic.UserQueries;
import dev.usermq.mq.FailureClassifier;
import dev.usermq.proto.user.v1.UserServiceGrpc;
import dev.usermq.repository.Repository;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The gRPC server ({@code GRPC_PORT}): the {@code grpc} component that routes/user-grpc.camel.yaml
 * starts its server with, the health service and reflection it serves beside {@code UserService},
 * and the {@code userQueries} bean the route calls.
 */
@Configuration(proxyBeanMethods = false)
public class GrpcServerConfiguration {

  /** How often the gRPC health service reads the readiness group. */
  private static final Duration HEALTH_INTERVAL = Duration.ofSeconds(5);

  /** The reads of {@code user.v1.UserService}, over the shared repository. */
  @Bean
  public UserQueries userQueries(Repository repository) {
    return new UserQueries(repository);
  }

  @Bean
  public HealthStatusManager grpcHealthStatusManager() {
    return new HealthStatusManager();
  }

  @Bean
  public GrpcHealthUpdater grpcHealthUpdater(
      HealthStatusManager grpcHealthStatusManager, HealthEndpoint healthEndpoint) {
    return new GrpcHealthUpdater(
        grpcHealthStatusManager,
        healthEndpoint,
        List.of(UserServiceGrpc.SERVICE_NAME),
        HEALTH_INTERVAL);
  }

  /**
   * Camel's {@code grpc} component, by name: the server of a {@code from: grpc://} route also
   * serves health and reflection (v1, and v1alpha for older clients such as grpcurl before 1.9).
   */
  @Bean(name = "grpc")
  @SuppressWarnings("deprecation")
  public SharedPortGrpcComponent grpc(
      GrpcProperties properties,
      HealthStatusManager grpcHealthStatusManager,
      FailureClassifier failureClassifier) {
    return new SharedPortGrpcComponent(
        List.of(
            grpcHealthStatusManager.getHealthService(),
            ProtoReflectionServiceV1.newInstance(),
            ProtoReflectionService.newInstance()),
        List.of(new FailureStatusInterceptor(failureClassifier)),
        Math.toIntExact(properties.maxMessageSize().toBytes()),
        properties.shutdownGrace());
  }
}
