package dev.usermq.tracing;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import org.apache.camel.component.kafka.serde.KafkaHeaderDeserializer;

/**
 * Reads the W3C trace context headers of consumed records as text, which is what Camel's tracer
 * extracts a parent span from; every other header stays the bytes it was, so a dead-lettered record
 * keeps its headers exactly.
 */
public class TraceHeaderDeserializer implements KafkaHeaderDeserializer {

  /** W3C Trace Context and Baggage: ASCII by their specifications. */
  private static final Set<String> TRACE_HEADERS = Set.of("traceparent", "tracestate", "baggage");

  @Override
  public Object deserialize(String key, byte[] value) {
    if (value != null && TRACE_HEADERS.contains(key.toLowerCase(Locale.ROOT))) {
      return new String(value, StandardCharsets.US_ASCII);
    }
    return value;
  }
}
