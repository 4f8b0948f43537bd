package dev.usermq.mq;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Route;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicy;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyConfiguration;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyFactory;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyNamingStrategy;
import org.apache.camel.spi.ManagementAgent;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.spi.RoutePolicyFactory;
import org.apache.camel.support.ExchangeHelper;
import org.apache.camel.support.PatternHelper;

/**
 * camel-micrometer's route policy by route ({@code camel_route_policy_seconds} and the {@code
 * camel_exchanges_*} counters by {@code routeId}), the same meters, without what it adds to every
 * exchange in every route: camel-micrometer formats the name of the exchange property that holds
 * the timer's start ({@code String.format} of the meter's name, the route id and the exchange id)
 * two or three times an exchange, and looks the route's statistics up in a map through an {@code
 * Optional}. Here the property's name is made once per route and the statistics are the policy's
 * own (the factory makes a policy per route). The name without the exchange id behaves the same: an
 * exchange's properties are its own, a copy's (a split's part) its own copy.
 *
 * <p>Only the route-level statistics: with the context's too ({@code
 * camel.metrics.route-policy-level} {@code all} or {@code context}) {@link #replace} leaves
 * camel-micrometer's factory in place.
 */
public class RouteTimingPolicy extends MicrometerRoutePolicy {

  private String sampleProperty;
  private String longTaskProperty;
  private volatile Statistics statistics;
  private boolean registerKamelets;
  private boolean registerTemplates = true;

  RouteTimingPolicy(MicrometerRoutePolicyFactory factory) {
    super(factory);
  }

  /**
   * Puts the factory of these policies in place of camel-micrometer's among the context's route
   * policy factories, with its registry, naming and configuration, if it has one that keeps
   * statistics by route only; to be called before the context creates its routes.
   */
  public static void replace(CamelContext camel) {
    List<RoutePolicyFactory> factories = camel.getRoutePolicyFactories();
    for (int i = 0; i < factories.size(); i++) {
      if (factories.get(i).getClass() == MicrometerRoutePolicyFactory.class) {
        MicrometerRoutePolicyFactory original = (MicrometerRoutePolicyFactory) factories.get(i);
        if (original.getPolicyConfiguration().isContextEnabled()) {
          return;
        }
        Factory replacement = new Factory();
        replacement.setCamelContext(original.getCamelContext());
        replacement.setMeterRegistry(original.getMeterRegistry());
        replacement.setPrettyPrint(original.isPrettyPrint());
        replacement.setSkipCamelInfo(original.isSkipCamelInfo());
        replacement.setDurationUnit(original.getDurationUnit());
        replacement.setNamingStrategy(original.getNamingStrategy());
        replacement.setPolicyConfiguration(original.getPolicyConfiguration());
        factories.set(i, replacement);
        return;
      }
    }
  }

  @Override
  public void onInit(Route route) {
    super.onInit(route);
    ManagementAgent agent = route.getCamelContext().getManagementStrategy().getManagementAgent();
    if (agent != null) {
      registerKamelets = agent.getRegisterRoutesCreateByKamelet();
      registerTemplates = agent.getRegisterRoutesCreateByTemplate();
    }
  }

  /**
   * camel-micrometer's statistics are made too, as before: they register the counters (the same
   * ones these count) and remove them with the route.
   */
  @Override
  public void onStart(Route route) {
    super.onStart(route);
    if (statistics == null && isTimed(route)) {
      String name = MicrometerConstants.DEFAULT_CAMEL_ROUTE_POLICY_METER_NAME + "-" + route.getId();
      sampleProperty = name;
      longTaskProperty = name + "_long_task";
      statistics =
          new Statistics(getMeterRegistry(), route, getNamingStrategy(), getConfiguration());
    }
  }

  /** As camel-micrometer decides whether a route is timed. */
  private boolean isTimed(Route route) {
    MicrometerRoutePolicyConfiguration configuration = getConfiguration();
    if (!configuration.isRouteEnabled()
        || route.isCreatedByKamelet() && !registerKamelets
        || route.isCreatedByRouteTemplate() && !registerTemplates) {
      return false;
    }
    String excluded = configuration.getExcludePattern();
    return excluded == null
        || !PatternHelper.matchPatterns(route.getRouteId(), excluded.split(","));
  }

  @Override
  public void onRemove(Route route) {
    super.onRemove(route);
    Statistics removed = statistics;
    statistics = null;
    if (removed != null) {
      removed.removeTimer();
    }
  }

  @Override
  public void onExchangeBegin(Route route, Exchange exchange) {
    Statistics stats = statistics;
    if (stats != null) {
      exchange.setProperty(sampleProperty, Timer.start(stats.registry));
      if (stats.longTaskTimer != null) {
        exchange.setProperty(longTaskProperty, stats.longTaskTimer.start());
      }
    }
  }

  @Override
  public void onExchangeDone(Route route, Exchange exchange) {
    Statistics stats = statistics;
    if (stats == null) {
      return;
    }
    if (exchange.removeProperty(sampleProperty) instanceof Timer.Sample sample) {
      sample.stop(stats.timer());
    }
    if (stats.longTaskTimer != null
        && exchange.removeProperty(longTaskProperty) instanceof LongTaskTimer.Sample sample) {
      sample.stop();
    }
    stats.count(exchange);
  }

  /**
   * A route's meters, as camel-micrometer registers them; the timer's name, tags and options made
   * once, at the route's start.
   */
  private static final class Statistics {
    private final MeterRegistry registry;
    private final Timer.Builder timerBuilder;
    private final Counter succeeded;
    private final Counter failed;
    private final Counter total;
    private final Counter externalRedeliveries;
    private final Counter failuresHandled;
    private final LongTaskTimer longTaskTimer;
    private volatile Timer timer;

    Statistics(
        MeterRegistry registry,
        Route route,
        MicrometerRoutePolicyNamingStrategy naming,
        MicrometerRoutePolicyConfiguration configuration) {
      this.registry = registry;
      timerBuilder =
          Timer.builder(naming.getName(route))
              .tags(naming.getTags(route))
              .description("Route performance metrics");
      if (configuration.getTimerInitiator() != null) {
        configuration.getTimerInitiator().accept(timerBuilder);
      }
      // without the additional counters none is made, nor counted
      boolean counters = configuration.isAdditionalCounters();
      Tags statusTags = naming.getExchangeStatusTags(route);
      succeeded =
          counter(
              counters && configuration.isExchangesSucceeded(),
              naming.getExchangesSucceededName(route),
              statusTags,
              "Number of successfully completed exchanges");
      failed =
          counter(
              counters && configuration.isExchangesFailed(),
              naming.getExchangesFailedName(route),
              statusTags,
              "Number of failed exchanges");
      total =
          counter(
              counters && configuration.isExchangesTotal(),
              naming.getExchangesTotalName(route),
              statusTags,
              "Total number of processed exchanges");
      externalRedeliveries =
          counter(
              counters && configuration.isExternalRedeliveries(),
              naming.getExternalRedeliveriesName(route),
              statusTags,
              "Number of external initiated redeliveries (such as from JMS broker)");
      failuresHandled =
          counter(
              counters && configuration.isFailuresHandled(),
              naming.getFailuresHandledName(route),
              statusTags,
              "Number of failures handled");
      if (counters && configuration.isLongTask()) {
        LongTaskTimer.Builder builder =
            LongTaskTimer.builder(naming.getLongTaskName(route))
                .tags(naming.getTags(route))
                .description("Route long task metric");
        if (configuration.getLongTaskInitiator() != null) {
          configuration.getLongTaskInitiator().accept(builder);
        }
        longTaskTimer = builder.register(registry);
      } else {
        longTaskTimer = null;
      }
    }

    /** Registered at the route's first exchange done, as camel-micrometer does. */
    Timer timer() {
      Timer registered = timer;
      if (registered == null) {
        registered = timerBuilder.register(registry);
        timer = registered;
      }
      return registered;
    }

    void removeTimer() {
      Timer registered = timer;
      if (registered != null) {
        registry.remove(registered);
      }
    }

    void count(Exchange exchange) {
      if (total != null) {
        total.increment();
      }
      if (exchange.isFailed()) {
        if (failed != null) {
          failed.increment();
        }
      } else {
        if (succeeded != null) {
          succeeded.increment();
        }
        if (failuresHandled != null && ExchangeHelper.isFailureHandled(exchange)) {
          failuresHandled.increment();
        }
        if (externalRedeliveries != null && exchange.isExternalRedelivered()) {
          externalRedeliveries.increment();
        }
      }
    }

    private Counter counter(boolean enabled, String name, Tags tags, String description) {
      return enabled
          ? Counter.builder(name).tags(tags).description(description).register(registry)
          : null;
    }
  }

  /** camel-micrometer's factory, making these policies. */
  static final class Factory extends MicrometerRoutePolicyFactory {
    @Override
    public RoutePolicy createRoutePolicy(
        CamelContext camelContext, String routeId, NamedNode routeDefinition) {
      RouteTimingPolicy policy = new RouteTimingPolicy(this);
      policy.setMeterRegistry(getMeterRegistry());
      policy.setPrettyPrint(isPrettyPrint());
      policy.setSkipCamelInfo(isSkipCamelInfo());
      policy.setDurationUnit(getDurationUnit());
      policy.setNamingStrategy(getNamingStrategy());
      policy.setConfiguration(getPolicyConfiguration());
      return policy;
    }
  }
}
