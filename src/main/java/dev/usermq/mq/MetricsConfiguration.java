package dev.usermq.mq;

import org.apache.camel.CamelContext;
import org.apache.camel.Processor;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Hooks {@link ProcessingStats} into Camel where a route step cannot call it. */
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
   * Adds the processing timer to Camel before it starts. Not an event notifier bean of its own:
   * Camel collects those while its context is being created, and such a bean, being context-aware,
   * would need that context first and be silently left out.
   */
  @Bean
  public CamelContextConfiguration processingTimerRegistration(ProcessingStats stats) {
    return new CamelContextConfiguration() {
      @Override
      public void beforeApplicationStart(CamelContext camel) {
        camel.getManagementStrategy().addEventNotifier(new ProcessingTimer(stats));
      }

      @Override
      public void afterApplicationStart(CamelContext camel) {}
    };
  }
}
