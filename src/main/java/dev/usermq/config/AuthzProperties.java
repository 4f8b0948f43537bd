package dev.usermq.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The authorization service ({@code AUTHZ_TARGET}, {@code AUTHZ_DEADLINE}, {@code
 * AUTHZ_PLAINTEXT}).
 *
 * @param target {@code host:port} (or any gRPC target string) of {@code AuthzService}
 * @param deadline deadline of every call; a call past it counts as authz being unavailable
 * @param plaintext false to speak TLS to the target
 */
@ConfigurationProperties("authz")
public record AuthzProperties(
    String target,
    @DefaultValue("2s") Duration deadline,
    @DefaultValue("true") boolean plaintext) {}
