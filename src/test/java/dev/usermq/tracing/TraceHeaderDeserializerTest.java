package dev.usermq.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TraceHeaderDeserializerTest {

  private final TraceHeaderDeserializer deserializer = new TraceHeaderDeserializer();

  @Test
  void traceContextHeadersBecomeText() {
    String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    assertThat(deserializer.deserialize("traceparent", ascii(traceparent))).isEqualTo(traceparent);
    assertThat(deserializer.deserialize("tracestate", ascii("vendor=x"))).isEqualTo("vendor=x");
    assertThat(deserializer.deserialize("baggage", ascii("tenant=7"))).isEqualTo("tenant=7");
  }

  @Test
  void everyOtherHeaderStaysItsBytes() {
    byte[] value = {(byte) 0xff, 0, 42};

    assertThat(deserializer.deserialize("x-trace", value)).isSameAs(value);
    assertThat(deserializer.deserialize("traceparent", null)).isNull();
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
