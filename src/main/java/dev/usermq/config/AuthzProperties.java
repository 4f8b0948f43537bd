package dev.usermq.config;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The authorization service ({@code AUTHZ_TARGET}, {@code AUTHZ_DEADLINE}, {@code AUTHZ_PLAINTEXT},
 * {@code AUTHZ_DELIVERY_CONCURRENCY}).
 *
 * @param target {@code host:port} (or any gRPC target string) of {@code AuthzService}; unset, a
 *     local run starts an embedded stub
 * @param deadline deadline of every call; a call past it counts as authz being unavailable
 * @param plaintext false to speak TLS to the target
 * @param deliveryConcurrency the most authz calls made at once by the delivery of several users'
 *     commands (the background delivery behind the records, a batch's in batch mode), each user's
 *     commands one at a time, in order
 */
@Validated
@ConfigurationProperties("authz")
public record AuthzProperties(
    String target,
    @DefaultValue("2s") @NotNull @DurationMin(millis = 1) Duration deadline,
    @DefaultValue("true") boolean plaintext,
    @DefaultValue("8") @Min(1) int deliveryConcurrency) {}
