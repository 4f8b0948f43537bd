package dev.usermq.config;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * OpenTelemetry tracing of records ({@code TRACING_ENABLED}, {@code TRACING_SAMPLING_PROBABILITY});
 * application.yaml hands both to Camel's and Spring Boot's tracing properties.
 *
 * @param enabled OpenTelemetry tracing of records: a record's span continues the W3C traceparent of
 *     its Kafka headers, and its events and authz calls carry it on. Off: no spans, nothing
 *     exported. On, spans go to {@code management.otlp.tracing.endpoint} ({@code
 *     MANAGEMENT_OTLP_TRACING_ENDPOINT}) when it is set, and the log carries traceId and spanId
 *     either way
 * @param samplingProbability share of the traces that start here (records without a traceparent)
 *     that are kept; a record that comes with one follows its producer's decision
 */
@Validated
@ConfigurationProperties("tracing")
public record TracingProperties(
    @DefaultValue("false") boolean enabled,
    @DefaultValue("1.0") @DecimalMin("0.0") @DecimalMax("1.0") double samplingProbability) {}
