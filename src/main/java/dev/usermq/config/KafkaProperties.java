package dev.usermq.config;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The Kafka cluster ({@code KAFKA_BROKERS}); application.yaml hands it to {@code
 * camel.component.kafka.brokers}, the one setting of every Kafka endpoint.
 *
 * @param brokers Kafka bootstrap servers; unset, a local run starts an embedded broker
 */
@ConfigurationProperties("kafka")
public record KafkaProperties(String brokers) {}
