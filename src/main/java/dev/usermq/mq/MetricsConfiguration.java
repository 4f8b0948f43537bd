package dev.usermq.mq;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.Processor;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.component.micrometer.eventnotifier.MicrometerRouteEventNotifier;
import org.apache.camel.spi.ComponentCustomizer;
import org.apache.camel.spi.EventNotifier;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.apache.camel.spring.boot.CamelSpringBootApplicationListener;
import org.apache.kafka.clients.CommonClientConfigs;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Hooks the service's meters into Camel where a route step cannot: retries, timer, lag. */
@Configuration(proxyBeanMethods = false)
public class MetricsConfiguration {

  /**
   * Run by the {@code auth-msg-errors} route configuration before each retry of a transient failure
   * ({@code onRedeliveryRef}).
   */
  @Bean
  public Processor countTransientRetry(ProcessingStats stats) {
    return exchange -> stats.retried(ProcessingStats.TRANSIENT);
  }

  /** Run before each retry of any other failure. */
  @Bean
  public Processor countUnexpectedRetry(ProcessingStats stats) {
    return exchange -> stats.retried(ProcessingStats.UNEXPECTED);
  }

  /**
   * Every Kafka client of the Kafka component reports its consumer lag to the meter registry
   * ({@link ConsumerLagReporter}); producers have no such metric and report nothing.
   */
  @Bean
  public ComponentCustomizer kafkaConsumerLag(MeterRegistry registry) {
    return ComponentCustomizer.builder(KafkaComponent.class)
        .build(
            kafka -> {
              Map<String, Object> clientConfig = kafka.getConfiguration().getAdditionalProperties();
              clientConfig.put(
                  CommonClientConfigs.METRIC_REPORTER_CLASSES_CONFIG,
                  ConsumerLagReporter.class.getName());
              clientConfig.put(ConsumerLagReporter.REGISTRY, registry);
            });
  }

  /**
   * Adds the processing timer to Camel before it starts, and puts the {@link
   * ExchangeTimingNotifier} in place of camel-micrometer's exchange event notifier and the {@link
   * RouteTimingPolicy} in place of its route policy; once Camel has started, leaves the notifiers
   * that want none out of exchange events. Not event notifier beans of their own: Camel collects
   * those while its context is being created, and such a bean, being context-aware, would need that
   * context first and be silently left out.
   */
  @Bean
  public CamelContextConfiguration processingTimerRegistration(ProcessingStats stats) {
    return new CamelContextConfiguration() {
      @Override
      public void beforeApplicationStart(CamelContext camel) {
        camel.getManagementStrategy().addEventNotifier(new ProcessingTimer(stats));
        ExchangeTimingNotifier.replace(camel);
        RouteTimingPolicy.replace(camel);
      }

      @Override
      public void afterApplicationStart(CamelContext camel) {
        offerExchangeEventsOnlyToTheirNotifiers(camel);
      }
    };
  }

  /**
   * Leaves the notifiers that want no exchange event out of every exchange event, once the context
   * has started: camel-micrometer's route notifier (routes added and running) and Camel Spring
   * Boot's listener for the context's start. Neither ignores exchange events itself, so Camel asked
   * both whether they wanted each event of every exchange (the route notifier by a reflective type
   * check), a record's several steps each time.
   */
  static void offerExchangeEventsOnlyToTheirNotifiers(CamelContext camel) {
    for (EventNotifier notifier : camel.getManagementStrategy().getEventNotifiers()) {
      if (notifier instanceof MicrometerRouteEventNotifier
          || notifier.getClass().getEnclosingClass() == CamelSpringBootApplicationListener.class) {
        notifier.setIgnoreExchangeEvents(true);
      }
    }
  }
}
