package dev.usermq.mq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

import dev.usermq.config.OutboxProperties;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.validation.ValidationAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/**
 * The relay's bean as the service builds it: the parameters of the relay routes' queries, and an
 * {@code outbox.relay-interval} that the routes' scheduler would not read as Spring does stops the
 * start.
 */
class OutboxRelayTest {

  @Configuration
  @EnableConfigurationProperties(OutboxProperties.class)
  static class Relay {}

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
          .withUserConfiguration(Relay.class)
          .withBean(DeliveryMarks.class, () -> mock(DeliveryMarks.class))
          .withBean(FailureClassifier.class)
          .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
          .withBean(OutboxRelay.class);

  @Test
  void theQueriesTakeRowsOlderThanAMinuteFiveHundredAPassByDefault() {
    runner.run(
        context -> {
          OutboxRelay relay = context.getBean(OutboxRelay.class);
          assertThat(relay.minAgeSeconds()).isEqualTo(60);
          assertThat(relay.batchSize()).isEqualTo(500);
        });
  }

  @ParameterizedTest
  @ValueSource(strings = {"30s", "5m", "1h", "2d", "1500", "250ms"})
  void anIntervalInTheSchedulersFormStarts(String interval) {
    runner
        .withPropertyValues("outbox.relay-interval=" + interval)
        .run(context -> assertThat(context).hasNotFailed());
  }

  @ParameterizedTest
  @ValueSource(strings = {"PT30S", "30S", "1H"})
  void anIntervalThatSpringReadsButTheSchedulerDoesNotStopsTheStart(String interval) {
    runner
        .withPropertyValues("outbox.relay-interval=" + interval)
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("outbox.relay-interval=" + interval));
  }
}
