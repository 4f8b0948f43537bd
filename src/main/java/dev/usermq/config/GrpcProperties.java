package dev.usermq.config;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The user gRPC service's server ({@code GRPC_PORT}, {@code GRPC_MAX_MESSAGE_SIZE}, {@code
 * GRPC_SHUTDOWN_GRACE}).
 *
 * @param port the port of {@code UserService}, health and reflection; 0 takes a free one
 * @param maxMessageSize largest request accepted; the requests of the service are a few bytes
 * @param shutdownGrace how long a stopping server lets calls in flight finish
 */
@Validated
@ConfigurationProperties("grpc")
public record GrpcProperties(
    @DefaultValue("9090") @Min(0) @Max(65535) int port,
    @DefaultValue("1MB") DataSize maxMessageSize,
    @DefaultValue("10s") Duration shutdownGrace) {}
