package dev.usermq.mq;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.component.micrometer.eventnotifier.MicrometerRouteEventNotifier;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MetricsConfigurationTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final DefaultCamelContext camel = new DefaultCamelContext();

  @AfterEach
  void stop() {
    camel.stop();
  }

  @Test
  void leavesTheRouteNotifierOutOfExchangeEventsAndStillCountsTheRoutes() throws Exception {
    MicrometerRouteEventNotifier routes = new MicrometerRouteEventNotifier();
    routes.setCamelContext(camel);
    routes.setMeterRegistry(registry);
    EventNotifierSupport exchanges =
        new EventNotifierSupport() {
          @Override
          public void notify(CamelEvent event) {}
        };
    camel.getManagementStrategy().addEventNotifier(routes);
    camel.getManagementStrategy().addEventNotifier(exchanges);
    camel.addRoutes(
        new RouteBuilder() {
          @Override
          public void configure() {
            from("direct:in").routeId("records").to("log:out?level=OFF");
          }
        });
    camel.start();

    MetricsConfiguration.offerExchangeEventsOnlyToTheirNotifiers(camel);

    assertThat(routes.isIgnoreExchangeEvents()).isTrue();
    assertThat(exchanges.isIgnoreExchangeEvents()).as("any other notifier").isFalse();
    assertThat(registry.get(MicrometerConstants.DEFAULT_CAMEL_ROUTES_RUNNING).gauge().value())
        .isEqualTo(1);
  }
}
