package dev.usermq.mq;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.component.micrometer.eventnotifier.MicrometerExchangeEventNotifier;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.EventNotifier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ExchangeTimingNotifierTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final DefaultCamelContext camel = new DefaultCamelContext();

  @AfterEach
  void stop() {
    camel.stop();
  }

  @Test
  void takesThePlaceOfCamelMicrometersNotifierAndTimesExchangesAndEndpointsAsItDid()
      throws Exception {
    startWithCamelMicrometersNotifierReplaced(
        new RouteBuilder() {
          @Override
          public void configure() {
            from("direct:in").routeId("records").to("log:out?level=OFF");
          }
        });
    long before = System.currentTimeMillis();
    camel.createProducerTemplate().sendBody("direct:in", "a record");

    assertThat(camel.getManagementStrategy().getEventNotifiers())
        .extracting(EventNotifier::getClass)
        .contains(ExchangeTimingNotifier.class)
        .doesNotContain(MicrometerExchangeEventNotifier.class);
    String timer = MicrometerConstants.DEFAULT_CAMEL_EXCHANGE_EVENT_METER_NAME;
    assertThat(
            registry
                .get(timer)
                .tag("routeId", "records")
                .tag("endpointName", "direct://in")
                .timer()
                .count())
        .as("the exchange, by the endpoint it came from")
        .isEqualTo(1);
    assertThat(registry.get(timer).tag("endpointName", "log://out").timer().count())
        .as("the endpoint it was sent to")
        .isEqualTo(1);
    assertThat(registry.get(MicrometerConstants.CAMEL_EXCHANGE_LAST_TIME_METER_NAME).gauges())
        .singleElement()
        .satisfies(gauge -> assertThat((long) gauge.value()).isGreaterThanOrEqualTo(before));
  }

  @Test
  void timesFailedExchangesApartAndEveryExchangeOnceWhenAnEndpointHasAUriPerMessage()
      throws Exception {
    startWithCamelMicrometersNotifierReplaced(
        new RouteBuilder() {
          @Override
          public void configure() {
            from("direct:in")
                .routeId("records")
                .toD("log:out?level=OFF&marker=m${body}")
                .filter(body().isEqualTo(0))
                .throwException(new IllegalStateException("a failed record"));
          }
        });

    int messages = ExchangeTimingNotifier.MAX_KEPT_TIMERS + 5;
    for (int i = 0; i < messages; i++) {
      camel.createProducerTemplate().sendBody("direct:in", i + 1);
    }
    camel.createProducerTemplate().send("direct:in", e -> e.getIn().setBody(0));

    String timer = MicrometerConstants.DEFAULT_CAMEL_EXCHANGE_EVENT_METER_NAME;
    assertThat(registry.get(timer).tag("endpointName", "log://out").timers())
        .as("one timer for the endpoint's every URI")
        .singleElement()
        .satisfies(t -> assertThat(t.count()).isEqualTo(messages + 1));
    assertThat(
            registry
                .get(timer)
                .tag("endpointName", "direct://in")
                .tag("eventType", "ExchangeCompletedEvent")
                .tag("failed", "false")
                .timer()
                .count())
        .isEqualTo(messages);
    assertThat(
            registry
                .get(timer)
                .tag("endpointName", "direct://in")
                .tag("eventType", "ExchangeFailedEvent")
                .tag("failed", "true")
                .timer()
                .count())
        .as("the failed exchange")
        .isEqualTo(1);
  }

  /** The context with the starter's notifier and the routes, the notifier replaced, started. */
  private void startWithCamelMicrometersNotifierReplaced(RouteBuilder routes) throws Exception {
    MicrometerExchangeEventNotifier starters = new MicrometerExchangeEventNotifier();
    starters.setCamelContext(camel);
    starters.setMeterRegistry(registry);
    camel.getManagementStrategy().addEventNotifier(starters);
    camel.addRoutes(routes);
    ExchangeTimingNotifier.replace(camel);
    camel.start();
  }

  @Test
  void leavesAContextWithoutCamelMicrometersNotifierAsItIs() {
    ExchangeTimingNotifier.replace(camel);

    assertThat(camel.getManagementStrategy().getEventNotifiers())
        .noneMatch(ExchangeTimingNotifier.class::isInstance);
  }

  @Test
  void isOfferedOnlyTheEventsItTimes() {
    ExchangeTimingNotifier notifier = new ExchangeTimingNotifier();

    assertThat(notifier.isIgnoreExchangeEvents()).isFalse();
    assertThat(notifier.isIgnoreExchangeCreatedEvent()).isFalse();
    assertThat(notifier.isIgnoreExchangeSentEvents()).isFalse();
    assertThat(notifier.isIgnoreExchangeCompletedEvent()).isFalse();
    assertThat(notifier.isIgnoreExchangeFailedEvents()).isFalse();
    assertThat(notifier.isIgnoreExchangeSendingEvents())
        .as("Camel times a sending only when it notified it")
        .isFalse();
    assertThat(notifier.isIgnoreExchangeAsyncProcessingStartedEvents()).isTrue();
    assertThat(notifier.isIgnoreExchangeRedeliveryEvents()).isTrue();
    assertThat(notifier.isIgnoreStepEvents()).isTrue();
    assertThat(notifier.isIgnoreRouteEvents()).isTrue();
    assertThat(notifier.isIgnoreCamelContextEvents()).isTrue();
    assertThat(notifier.isIgnoreServiceEvents()).isTrue();
  }
}
