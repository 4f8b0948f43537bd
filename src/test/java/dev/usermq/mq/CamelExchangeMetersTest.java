package dev.usermq.mq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.clearInvocations;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.spy;
import static org.mockito.Mockito.verify;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.micrometer.eventnotifier.MicrometerExchangeEventNotifierNamingStrategyDefault;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The exchange meters on a Camel context of their own, with one route. */
class CamelExchangeMetersTest {

  private final SimpleMeterRegistry meters = spy(new SimpleMeterRegistry());
  private final DefaultCamelContext camel = new DefaultCamelContext();

  @BeforeEach
  void start() throws Exception {
    CamelExchangeMeters notifier = new CamelExchangeMeters();
    notifier.setCamelContext(camel);
    notifier.setMeterRegistry(meters);
    notifier.setNamingStrategy(new MicrometerExchangeEventNotifierNamingStrategyDefault(true));
    camel.getManagementStrategy().addEventNotifier(notifier);
    camel.addRoutes(
        new RouteBuilder() {
          @Override
          public void configure() {
            from("direct:in").routeId("r1").setBody(constant("done"));
          }
        });
    camel.start();
  }

  @AfterEach
  void stop() {
    camel.stop();
  }

  @Test
  void everyExchangeIsTimedByRouteAndTheLastOneIsRememberedWithoutSearchingTheMeters() {
    ProducerTemplate producer = camel.createProducerTemplate();
    long before = System.currentTimeMillis();
    clearInvocations(meters);

    producer.sendBody("direct:in", "a");
    producer.sendBody("direct:in", "b");

    Timer exchanges =
        meters
            .get("camel.exchange.event.notifier")
            .tag("routeId", "r1")
            .tag("eventType", "ExchangeCompletedEvent")
            .timer();
    assertThat(exchanges.count()).isEqualTo(2);
    assertThat(meters.get("camel.exchanges.last.timestamp").gauge().value())
        .isGreaterThanOrEqualTo(before);
    assertThat(meters.get("camel.exchanges.inflight").tag("routeId", "r1").gauge().value())
        .isZero();
    verify(meters, never()).find(anyString());
  }
}
