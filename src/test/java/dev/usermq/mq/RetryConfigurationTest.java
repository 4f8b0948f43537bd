package dev.usermq.mq;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usermq.config.RetryProperties;
import java.util.Map;
import org.apache.camel.LoggingLevel;
import org.apache.camel.processor.errorhandler.RedeliveryPolicy;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.validation.ValidationAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * The redelivery policies that the auth route names, from the {@code retry.*} properties: their
 * defaults, their environment variables and the values refused at start.
 */
class RetryConfigurationTest {

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
          .withUserConfiguration(Retry.class);

  @Test
  void transientFaultsBackOffExponentiallyFrom200MsTo5sFiveTimesByDefault() {
    runner.run(
        context -> {
          RedeliveryPolicy policy =
              context.getBean("transientRedeliveryPolicy", RedeliveryPolicy.class);
          assertThat(policy.getMaximumRedeliveries()).isEqualTo(5);
          assertThat(policy.getRedeliveryDelay()).isEqualTo(200);
          assertThat(policy.isUseExponentialBackOff()).isTrue();
          assertThat(policy.getBackOffMultiplier()).isEqualTo(2.0);
          assertThat(policy.getMaximumRedeliveryDelay()).isEqualTo(5000);
          assertThat(policy.getRetryAttemptedLogLevel()).isEqualTo(LoggingLevel.WARN);
          assertThat(policy.getRetriesExhaustedLogLevel()).isEqualTo(LoggingLevel.WARN);
        });
  }

  @Test
  void unexpectedFailuresWaitAFixed500MsThreeTimesByDefault() {
    runner.run(
        context -> {
          RedeliveryPolicy policy =
              context.getBean("unexpectedRedeliveryPolicy", RedeliveryPolicy.class);
          assertThat(policy.getMaximumRedeliveries()).isEqualTo(3);
          assertThat(policy.getRedeliveryDelay()).isEqualTo(500);
          assertThat(policy.isUseExponentialBackOff()).isFalse();
          assertThat(policy.getRetryAttemptedLogLevel()).isEqualTo(LoggingLevel.WARN);
          assertThat(policy.getRetriesExhaustedLogLevel()).isEqualTo(LoggingLevel.ERROR);
        });
  }

  @Test
  void theEnvironmentVariablesSetEveryNumberInMilliseconds() {
    runner
        .withInitializer(
            context ->
                context
                    .getEnvironment()
                    .getPropertySources()
                    .addFirst(
                        new SystemEnvironmentPropertySource(
                            StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                            Map.of(
                                "RETRY_TRANSIENT_REDELIVERIES", "2",
                                "RETRY_TRANSIENT_INITIAL_DELAY", "100",
                                "RETRY_TRANSIENT_MAX_DELAY", "1000",
                                "RETRY_UNEXPECTED_REDELIVERIES", "1",
                                "RETRY_UNEXPECTED_DELAY", "200"))))
        .run(
            context -> {
              RedeliveryPolicy transientPolicy =
                  context.getBean("transientRedeliveryPolicy", RedeliveryPolicy.class);
              RedeliveryPolicy unexpectedPolicy =
                  context.getBean("unexpectedRedeliveryPolicy", RedeliveryPolicy.class);
              assertThat(transientPolicy.getMaximumRedeliveries()).isEqualTo(2);
              assertThat(transientPolicy.getRedeliveryDelay()).isEqualTo(100);
              assertThat(transientPolicy.getMaximumRedeliveryDelay()).isEqualTo(1000);
              assertThat(unexpectedPolicy.getMaximumRedeliveries()).isEqualTo(1);
              assertThat(unexpectedPolicy.getRedeliveryDelay()).isEqualTo(200);
            });
  }

  @Test
  void aNegativeCountOrABackoffThatShrinksIsRefusedAtStart() {
    runner
        .withPropertyValues("retry.unexpected.redeliveries=-1")
        .run(context -> assertThat(context).hasFailed());
    runner
        .withPropertyValues("retry.transient.initial-delay=2s", "retry.transient.max-delay=1s")
        .run(context -> assertThat(context).hasFailed());
    runner
        .withPropertyValues("retry.transient.initial-delay=0")
        .run(context -> assertThat(context).hasFailed());
  }

  @Configuration(proxyBeanMethods = false)
  @EnableConfigurationProperties(RetryProperties.class)
  @Import(RetryConfiguration.class)
  static class Retry {}
}
