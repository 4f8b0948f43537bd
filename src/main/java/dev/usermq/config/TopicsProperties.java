package dev.usermq.config;

import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Kafka topic names ({@code TOPICS_AUTH}, {@code TOPICS_USER}, {@code TOPICS_ORDER}, {@code
 * TOPICS_DLQ}).
 *
 * @param auth inbound auth messages
 * @param user outbound user events ({@code user.count})
 * @param order outbound order events ({@code order.cancel_by_user})
 * @param dlq dead letters of the auth topic
 */
@Validated
@ConfigurationProperties("topics")
public record TopicsProperties(
    @DefaultValue("user.auth") @NotBlank String auth,
    @DefaultValue("user") @NotBlank String user,
    @DefaultValue("order") @NotBlank String order,
    @DefaultValue("user.auth.dlq") @NotBlank String dlq) {}
