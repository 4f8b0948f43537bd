/**
 * OpenTelemetry tracing, off unless {@code tracing.enabled}: the Kafka headers that carry the trace
 * context, and the instrumentation of the authz client. Camel traces the routes
 * (camel-opentelemetry2) and Spring Boot builds the SDK, exports and puts the trace id in the MDC.
 */
package dev.usermq.tracing;
