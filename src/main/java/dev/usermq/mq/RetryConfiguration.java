package dev.usermq.mq;

import dev.usermq.config.RetryProperties;
import org.apache.camel.LoggingLevel;
import org.apache.camel.processor.errorhandler.RedeliveryPolicy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The redelivery policies of the {@code auth-msg-errors} route configuration, which names them
 * ({@code redeliveryPolicyRef}). Built here from the typed {@code retry.*} properties rather than
 * written in the route with {@code {{placeholders}}}: the YAML DSL schema wants numbers there, and
 * a placeholder is a string to it.
 */
@Configuration(proxyBeanMethods = false)
public class RetryConfiguration {

  /** A transient fault: exponential backoff, then the record goes back to the consumer. */
  @Bean
  public RedeliveryPolicy transientRedeliveryPolicy(RetryProperties retry) {
    RetryProperties.Transient config = retry.transientFaults();
    RedeliveryPolicy policy = new RedeliveryPolicy();
    policy.setMaximumRedeliveries(config.redeliveries());
    policy.setRedeliveryDelay(config.initialDelay().toMillis());
    policy.setUseExponentialBackOff(true);
    policy.setBackOffMultiplier(2);
    policy.setMaximumRedeliveryDelay(config.maxDelay().toMillis());
    policy.setRetryAttemptedLogLevel(LoggingLevel.WARN);
    // not the end of the record: the consumer tries it again
    policy.setRetriesExhaustedLogLevel(LoggingLevel.WARN);
    return policy;
  }

  /** Any other failure: a fixed delay, then the DLQ. */
  @Bean
  public RedeliveryPolicy unexpectedRedeliveryPolicy(RetryProperties retry) {
    RetryProperties.Unexpected config = retry.unexpected();
    RedeliveryPolicy policy = new RedeliveryPolicy();
    policy.setMaximumRedeliveries(config.redeliveries());
    policy.setRedeliveryDelay(config.delay().toMillis());
    policy.setRetryAttemptedLogLevel(LoggingLevel.WARN);
    policy.setRetriesExhaustedLogLevel(LoggingLevel.ERROR);
    return policy;
  }
}
