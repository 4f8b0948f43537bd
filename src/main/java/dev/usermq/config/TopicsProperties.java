package dev.usermq.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Kafka topic names ({@code TOPICS_AUTH}, {@code TOPICS_USER}, {@code TOPICS_ORDER}, {@code
 * TOPICS_DLQ}).
 *
 * @param auth inbound auth messages
 * @param user outbound user events ({@code user.count})
 * @param order outbound order events ({@code order.cancel_by_user})
 * @param dlq dead letters of the auth topic
 */
@ConfigurationProperties("topics")
public record TopicsProperties(
    @DefaultValue("user.auth") String auth,
    @DefaultValue("user") String user,
    @DefaultValue("order") String order,
    @DefaultValue("user.auth.dlq") String dlq) {}
