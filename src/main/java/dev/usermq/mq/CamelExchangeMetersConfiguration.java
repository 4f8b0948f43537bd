package dev.usermq.mq;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.component.micrometer.eventnotifier.MicrometerExchangeEventNotifierNamingStrategyDefault;
import org.springframework.context.annotation.Configuration;

/**
 * Adds {@link CamelExchangeMeters} to Camel as soon as its context exists, the way
 * camel-micrometer's auto-configuration adds its own notifier (turned off in application.yaml),
 * with the same naming (Micrometer's convention, endpoints by their base URI). Not later: Camel's
 * routes emit exchange events only if a notifier that wants them is there when they start, and the
 * processing timer ({@link MetricsConfiguration}) relies on those events too.
 */
@Configuration(proxyBeanMethods = false)
public class CamelExchangeMetersConfiguration {

  public CamelExchangeMetersConfiguration(CamelContext camel, MeterRegistry registry) {
    CamelExchangeMeters meters = new CamelExchangeMeters();
    meters.setCamelContext(camel);
    meters.setMeterRegistry(registry);
    meters.setNamingStrategy(new MicrometerExchangeEventNotifierNamingStrategyDefault(true));
    camel.getManagementStrategy().addEventNotifier(meters);
  }
}
