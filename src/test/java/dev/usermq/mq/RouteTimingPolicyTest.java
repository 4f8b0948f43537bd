package dev.usermq.mq;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyConfiguration;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyFactory;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.RoutePolicyFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RouteTimingPolicyTest {

  private final DefaultCamelContext camelMicrometers = new DefaultCamelContext();
  private final DefaultCamelContext replaced = new DefaultCamelContext();

  @AfterEach
  void stop() {
    camelMicrometers.stop();
    replaced.stop();
  }

  @Test
  void registersCountsAndTimesWhatCamelMicrometersPolicyDoes() throws Exception {
    SimpleMeterRegistry expected = start(camelMicrometers, false);
    SimpleMeterRegistry actual = start(replaced, true);

    assertThat(replaced.getRoutePolicyFactories())
        .extracting(RoutePolicyFactory::getClass)
        .containsExactly(RouteTimingPolicy.Factory.class);
    assertThat(replaced.getRoute("records").getRoutePolicyList())
        .singleElement()
        .isInstanceOf(RouteTimingPolicy.class);
    for (DefaultCamelContext camel : new DefaultCamelContext[] {camelMicrometers, replaced}) {
      for (int i = 1; i <= 3; i++) {
        camel.createProducerTemplate().sendBody("direct:in", "record " + i);
      }
      camel.createProducerTemplate().sendBody("direct:in", "handled");
      camel.createProducerTemplate().send("direct:in", e -> e.getIn().setBody("failed"));
    }

    assertThat(counts(actual)).isEqualTo(counts(expected));
    assertThat(count(actual, "camel.exchanges.total", "records")).isEqualTo(5);
    assertThat(count(actual, "camel.exchanges.succeeded", "records")).isEqualTo(4);
    assertThat(count(actual, "camel.exchanges.failed", "records")).isEqualTo(1);
    assertThat(count(actual, "camel.exchanges.failures.handled", "parts")).isEqualTo(1);
    assertThat(actual.get("camel.route.policy").tag("routeId", "parts").timer().count())
        .isEqualTo(5);
    Timer records = actual.get("camel.route.policy").tag("routeId", "records").timer();
    assertThat(records.count()).isEqualTo(5);
    assertThat(records.totalTime(TimeUnit.NANOSECONDS)).isPositive();
  }

  @Test
  void removesTheMetersOfARouteRemovedAsCamelMicrometersPolicyDoes() throws Exception {
    SimpleMeterRegistry registry = start(replaced, true);
    replaced.createProducerTemplate().sendBody("direct:parts", "a part");

    replaced.getRouteController().stopRoute("parts");
    replaced.removeRoute("parts");

    assertThat(registry.find("camel.route.policy").tag("routeId", "parts").meters()).isEmpty();
    assertThat(registry.find("camel.exchanges.total").tag("routeId", "parts").meters()).isEmpty();
    assertThat(registry.find("camel.exchanges.total").tag("routeId", "records").meters())
        .hasSize(1);
  }

  @Test
  void leavesCamelMicrometersFactoryInPlaceWhenItKeepsTheContextsStatisticsToo() {
    MicrometerRoutePolicyFactory factory = new MicrometerRoutePolicyFactory();
    factory.setPolicyConfiguration(new MicrometerRoutePolicyConfiguration());
    replaced.addRoutePolicyFactory(factory);

    RouteTimingPolicy.replace(replaced);

    assertThat(replaced.getRoutePolicyFactories()).containsExactly(factory);
  }

  /**
   * The context with camel-micrometer's factory as the starter adds it for {@code
   * route-policy-level: route}, replaced or not, and two routes: one that sends every record to the
   * other, which fails a record and handles the failure of another.
   */
  private static SimpleMeterRegistry start(DefaultCamelContext camel, boolean replace)
      throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    // one name for both contexts: it is one of the meters' tags
    camel.getCamelContextExtension().setName("user-mq");
    MicrometerRoutePolicyFactory factory = new MicrometerRoutePolicyFactory();
    factory.setCamelContext(camel);
    factory.setMeterRegistry(registry);
    MicrometerRoutePolicyConfiguration configuration = new MicrometerRoutePolicyConfiguration();
    configuration.setContextEnabled(false);
    configuration.setRouteEnabled(true);
    factory.setPolicyConfiguration(configuration);
    camel.addRoutePolicyFactory(factory);
    camel.addRoutes(
        new RouteBuilder() {
          @Override
          public void configure() {
            onException(IllegalArgumentException.class).handled(true);
            from("direct:in").routeId("records").to("direct:parts");
            from("direct:parts")
                .routeId("parts")
                .choice()
                .when(body().isEqualTo("handled"))
                .throwException(new IllegalArgumentException("handled"))
                .when(body().isEqualTo("failed"))
                .throwException(new IllegalStateException("failed"))
                .end();
          }
        });
    if (replace) {
      RouteTimingPolicy.replace(camel);
    }
    camel.start();
    return registry;
  }

  private static double count(SimpleMeterRegistry registry, String counter, String routeId) {
    return registry.get(counter).tag("routeId", routeId).counter().count();
  }

  /** Every counter's and timer's count, by its name and tags. */
  private static Map<String, Long> counts(SimpleMeterRegistry registry) {
    Map<String, Long> counts = new TreeMap<>();
    for (Meter meter : registry.getMeters()) {
      StringBuilder id = new StringBuilder(meter.getId().getName());
      meter
          .getId()
          .getTags()
          .forEach(t -> id.append(' ').append(t.getKey()).append('=').append(t.getValue()));
      if (meter instanceof Counter counter) {
        counts.put(id.toString(), (long) counter.count());
      } else if (meter instanceof Timer timer) {
        counts.put(id.toString(), timer.count());
      }
    }
    return counts;
  }
}
