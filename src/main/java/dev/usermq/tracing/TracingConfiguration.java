package dev.usermq.tracing;

import io.grpc.ClientInterceptor;
import io.micrometer.observation.ObservationPredicate;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.instrumentation.grpc.v1_6.GrpcTelemetry;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.observation.ServerRequestObservationContext;

/**
 * The parts of tracing that neither Camel nor Spring Boot provide. With {@code tracing.enabled}
 * false, only the header deserializer is there, and it is harmless.
 */
@Configuration(proxyBeanMethods = false)
public class TracingConfiguration {

  /** For every Kafka consumer ({@code camel.component.kafka.header-deserializer}). */
  @Bean
  public TraceHeaderDeserializer kafkaHeaderDeserializer() {
    return new TraceHeaderDeserializer();
  }

  /**
   * A client span around each authz call, whose context travels in the call's metadata ({@code
   * traceparent}). The authz client applies every {@link ClientInterceptor} bean.
   */
  @Bean
  @ConditionalOnProperty(name = "tracing.enabled", havingValue = "true")
  public ClientInterceptor authzTracingInterceptor(OpenTelemetry openTelemetry) {
    return GrpcTelemetry.create(openTelemetry).newClientInterceptor();
  }

  /**
   * No observation (trace, request metric) of the probes and scrapes on /actuator: a span every few
   * seconds per pod would bury the traces of records.
   */
  @Bean
  public ObservationPredicate actuatorRequestsUnobserved() {
    return (name, context) ->
        !(context instanceof ServerRequestObservationContext request
            && request.getCarrier().getRequestURI().startsWith("/actuator"));
  }
}
