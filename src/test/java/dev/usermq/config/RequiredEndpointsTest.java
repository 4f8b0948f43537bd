package dev.usermq.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.usermq.config.RequiredEndpoints.Endpoint;
import dev.usermq.config.RequiredEndpoints.MissingEndpointsException;
import org.junit.jupiter.api.Test;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.mock.env.MockEnvironment;

class RequiredEndpointsTest {

  @Test
  void namesEveryEndpointWithItsEnvironmentVariable() {
    assertThat(RequiredEndpoints.ENDPOINTS.stream().map(Endpoint::environmentVariable))
        .containsExactly(
            "KAFKA_BROKERS", "SPRING_DATASOURCE_URL", "SPRING_DATA_REDIS_HOST", "AUTHZ_TARGET");
  }

  @Test
  void blankCountsAsMissingAndRedisMayComeAsAnUrl() {
    MockEnvironment env =
        new MockEnvironment()
            .withProperty("kafka.brokers", "kafka:9092")
            .withProperty("spring.datasource.url", " ")
            .withProperty("spring.data.redis.url", "redis://redis:6379");

    assertThat(RequiredEndpoints.missingIn(env).stream().map(Endpoint::property))
        .containsExactly("spring.datasource.url", "authz.target");
  }

  @Test
  void startsWhenEveryEndpointIsSet() {
    MockEnvironment env =
        new MockEnvironment()
            .withProperty("kafka.brokers", "kafka:9092")
            .withProperty("spring.datasource.url", "jdbc:mysql://mysql/user")
            .withProperty("spring.data.redis.host", "redis")
            .withProperty("authz.target", "authz:9090");
    GenericApplicationContext context = new GenericApplicationContext();
    context.setEnvironment(env);

    new RequiredEndpoints().initialize(context);

    assertThat(RequiredEndpoints.missingIn(env)).isEmpty();
  }

  @Test
  void theFailureListsEveryMissingOneWithItsVariable() {
    GenericApplicationContext context = new GenericApplicationContext();
    context.setEnvironment(new MockEnvironment().withProperty("authz.target", "authz:9090"));

    assertThatThrownBy(() -> new RequiredEndpoints().initialize(context))
        .isInstanceOfSatisfying(
            MissingEndpointsException.class,
            e -> {
              FailureAnalysis analysis = new MissingEndpointsFailureAnalyzer().analyze(e);
              assertThat(analysis.getDescription())
                  .contains(
                      "KAFKA_BROKERS (kafka.brokers)",
                      "SPRING_DATASOURCE_URL (spring.datasource.url)",
                      "SPRING_DATA_REDIS_HOST (spring.data.redis.host)")
                  .doesNotContain("AUTHZ_TARGET");
              assertThat(analysis.getAction()).contains("mvn spring-boot:test-run");
            });
  }
}
