package dev.usermq.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.usermq.App;
import dev.usermq.embedded.EmbeddedServersInitializer;
import dev.usermq.mq.ExchangeTimingNotifier;
import dev.usermq.mq.ProcessingTimer;
import dev.usermq.mq.RouteTimingPolicy;
import dev.usermq.support.Readiness;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.micrometer.eventnotifier.MicrometerRouteEventNotifier;
import org.apache.camel.spi.EventNotifier;
import org.apache.camel.spring.boot.CamelSpringBootApplicationListener;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.context.ApplicationContext;
import org.springframework.data.jdbc.repository.support.JdbcRepositoryFactoryBean;
import org.springframework.data.redis.core.RedisKeyValueAdapter;
import org.springframework.data.repository.core.support.RepositoryMethodInvocationListener;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.ContextConfiguration;

/**
 * The actuator as the chart uses it, over HTTP on a random port, with the whole service running on
 * the embedded servers: the probes' health groups and the Prometheus scrape.
 */
@SpringBootTest(
    classes = App.class,
    webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {"outbox.relay-interval=1h", "stats.log-interval=1h", "grpc.port=0"})
@ContextConfiguration(initializers = EmbeddedServersInitializer.class)
// tests leave metrics export off unless asked; the Prometheus registry is what is under test
@AutoConfigureObservability(tracing = false)
class ActuatorEndpointsIT {

  private static final Duration WAIT = Duration.ofSeconds(60);

  @Autowired TestRestTemplate http;
  @Autowired ProducerTemplate producer;
  @Autowired ApplicationContext context;
  @Autowired CamelContext camel;

  private final ObjectMapper json = new ObjectMapper();

  @Test
  void readinessGroupChecksTheDependenciesAndComesUp() {
    JsonNode health = Readiness.awaitUp(http, WAIT);

    assertThat(names(health.path("components")))
        .containsExactlyInAnyOrder("readinessState", "db", "redis", "authz", "camelHealth");
  }

  @Test
  void livenessGroupIsTheProcessAlone() throws Exception {
    ResponseEntity<String> response = http.getForEntity("/actuator/health/liveness", String.class);

    JsonNode health = json.readTree(response.getBody());
    assertThat(names(health.path("components"))).containsExactly("livenessState");
    assertThat(health.path("status").asText()).isEqualTo("UP");
  }

  @Test
  void prometheusScrapeHasTheAuthMetersAndTheCamelRouteMetrics() {
    // a record that is not protobuf goes through the real consumer to the DLQ
    producer.sendBody("kafka:{{topics.auth}}", "not protobuf".getBytes(StandardCharsets.UTF_8));

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              String scrape = http.getForObject("/actuator/prometheus", String.class);
              assertThat(scrape)
                  .contains(
                      "usermq_auth_messages_total{application=\"user-mq\",result=\"applied\"}")
                  .contains("usermq_auth_retries_total{application=\"user-mq\",kind=\"transient\"}")
                  .contains(
                      "usermq_auth_dead_letters_total{application=\"user-mq\",reason=\"PARSE_ERROR\"}")
                  .containsPattern(
                      "usermq_auth_processing_seconds_bucket\\{[^}]*result=\"dead_lettered\"")
                  .containsPattern("camel_exchanges_total\\{[^}]*routeId=\"auth-msg-consumer\"")
                  .containsPattern(
                      "camel_route_policy_seconds_count\\{[^}]*routeId=\"dead-letter\"")
                  .containsPattern(
                      "usermq_kafka_consumer_lag\\{application=\"user-mq\",client_id=\"consumer-user-mq-");
            });
  }

  @Test
  void noListenerRunsOnEveryRepositoryCall() {
    // Spring Boot's metrics listener, even with its timer off, looks up the called method's
    // annotations and builds the timer's tags on every call; nothing here reads that timer
    assertThat(context.getBeanNamesForType(RepositoryMethodInvocationListener.class)).isEmpty();
    assertThat(http.getForObject("/actuator/prometheus", String.class))
        .doesNotContain("spring_data_repository_invocations");
  }

  @Test
  void theModelsAreJdbcRepositoriesOnly() {
    // Spring Data Redis would scan the models as candidates of its own at every start (and log a
    // line for each); the service keeps no entity in Redis
    assertThat(context.getBeanNamesForType(RedisKeyValueAdapter.class)).isEmpty();
    assertThat(context.getBeanNamesForType(JdbcRepositoryFactoryBean.class)).isNotEmpty();
  }

  @Test
  void onlyTheNotifiersThatWantExchangeEventsAreOfferedThem() {
    // camel-micrometer's route notifier and Camel Spring Boot's start listener want none
    assertThat(camel.getManagementStrategy().getEventNotifiers())
        .filteredOn(EventNotifier::isIgnoreExchangeEvents)
        .extracting(notifier -> notifier.getClass().getName())
        .contains(MicrometerRouteEventNotifier.class.getName())
        .anyMatch(
            name -> name.startsWith(CamelSpringBootApplicationListener.class.getName() + "$"));
    assertThat(camel.getManagementStrategy().getEventNotifiers())
        .filteredOn(notifier -> !notifier.isIgnoreExchangeEvents())
        .extracting(notifier -> (Object) notifier.getClass())
        .contains(ExchangeTimingNotifier.class, ProcessingTimer.class);
  }

  @Test
  void everyRouteIsTimedByTheRouteTimingPolicy() {
    // put in place of camel-micrometer's before the routes were created from their files
    assertThat(camel.getRoutes())
        .isNotEmpty()
        .allSatisfy(
            route ->
                assertThat(route.getRoutePolicyList())
                    .as(route.getRouteId())
                    .singleElement()
                    .isInstanceOf(RouteTimingPolicy.class));
  }

  private static List<String> names(JsonNode object) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
