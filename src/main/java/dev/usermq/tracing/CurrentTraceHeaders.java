package dev.usermq.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import org.apache.camel.Message;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * The trace context of the current span as headers ({@code traceparent}, and {@code baggage} when
 * there is some), for messages that Camel's tracer does not reach: the events of a batch, sent as
 * one Kafka batch whose records each take the headers of their own message only, where the tracer
 * puts its headers on the batch's message. With tracing off, nothing is added.
 */
@Component
public class CurrentTraceHeaders {

  private final TextMapPropagator propagator;

  public CurrentTraceHeaders(ObjectProvider<OpenTelemetry> openTelemetry) {
    this.propagator =
        openTelemetry.getIfAvailable(OpenTelemetry::noop).getPropagators().getTextMapPropagator();
  }

  /** Puts the current span's context into the message's headers. */
  public void putInto(Message message) {
    propagator.inject(Context.current(), message, Message::setHeader);
  }
}
