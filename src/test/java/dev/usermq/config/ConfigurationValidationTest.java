package dev.usermq.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The configuration records bind their defaults, and a value out of range stops the start. */
class ConfigurationValidationTest {

  /** The records of this package, bound as in the service. */
  @ConfigurationPropertiesScan
  static class Records {}

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner().withUserConfiguration(Records.class);

  @Test
  void nothingSetBindsTheDefaults() {
    runner.run(
        context -> {
          assertThat(context).hasNotFailed();
          ConsumerProperties consumer = context.getBean(ConsumerProperties.class);
          assertThat(consumer.concurrency()).isEqualTo(4);
          assertThat(consumer.pause().dependencies())
              .isEqualTo(List.of("db", "redis", "authz", "kafka"));
          assertThat(consumer.pause().checkInterval()).isEqualTo(Duration.ofSeconds(5));
          assertThat(context.getBean(IdempotencyProperties.class).ttl())
              .isEqualTo(Duration.ofHours(24));
          assertThat(context.getBean(CacheProperties.class).userTtl())
              .isEqualTo(Duration.ofMinutes(10));
          assertThat(context.getBean(TracingProperties.class).samplingProbability()).isEqualTo(1.0);
          assertThat(context.getBean(AuthzProperties.class).target()).isNull();
        });
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "topics.auth=",
        "topics.dlq= ",
        "idempotency.ttl=0s",
        "idempotency.prefix=",
        "authz.deadline=-1s",
        "consumer.group-id=",
        "consumer.concurrency=0",
        "consumer.max-poll-records=0",
        "consumer.pause.check-interval=0ms",
        "consumer.pause.max-check-interval=0s",
        "auth-msg.max-bytes=0",
        "outbox.relay-interval=0s",
        "outbox.relay-min-age=-5s",
        "outbox.relay-batch-size=0",
        "cache.user-ttl=0s",
        "stats.log-interval=0s",
        "routes.include-pattern=",
        "tracing.sampling-probability=1.5",
      })
  void aValueOutOfRangeStopsTheStartNamingTheProperty(String setting) {
    String property = setting.substring(0, setting.indexOf('='));
    // the message names the record's field: consumer.pause.check-interval is pause.checkInterval
    String field =
        Pattern.compile("-([a-z])")
            .matcher(property.substring(property.indexOf('.') + 1))
            .replaceAll(m -> m.group(1).toUpperCase());

    runner
        .withPropertyValues(setting)
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("'" + field + "'"));
  }
}
