package dev.usermq.mq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.usermq.config.ConsumerProperties;
import dev.usermq.repository.DependencyUnavailableException;
import io.grpc.Status;
import java.sql.SQLTransientConnectionException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.DefaultHealthContributorRegistry;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthContributor;
import org.springframework.boot.actuate.health.HealthContributorRegistry;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.test.context.ConfigDataApplicationContextInitializer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

/**
 * The guard on a real Camel route, with health indicators the test turns up and down. The checks
 * run on a scheduler the test drives, one task at a time, except for the test of the configured
 * service, which runs on the guard's own thread.
 */
class ConsumptionGuardTest {

  private static final String ROUTE = "consumer";

  private final Map<String, FakeIndicator> indicators = new LinkedHashMap<>();
  private final ManualScheduler scheduler = new ManualScheduler();
  private final MutableClock clock = new MutableClock();
  private DefaultCamelContext camel;

  @BeforeEach
  void startRoute() throws Exception {
    for (String name : List.of("db", "redis", "authz", "kafka")) {
      indicators.put(name, new FakeIndicator());
    }
    camel = new DefaultCamelContext();
    camel.addRoutes(
        new RouteBuilder() {
          @Override
          public void configure() {
            from("direct:in").routeId(ROUTE).setBody().constant("seen");
          }
        });
    camel.start();
  }

  @AfterEach
  void stopCamel() throws Exception {
    camel.close();
  }

  /**
   * The service as configured: during a Kafka outage the route stays stopped, check after check,
   * instead of joining the group again at each one; it starts once Kafka answers.
   */
  @Test
  void duringAKafkaOutageTheRouteIsNotStartedUntilKafkaIsUp() {
    FakeIndicator kafka = indicators.get("kafka");
    kafka.down();

    new ApplicationContextRunner()
        .withInitializer(new ConfigDataApplicationContextInitializer())
        .withInitializer(
            context ->
                context
                    .getBeanFactory()
                    .setConversionService(ApplicationConversionService.getSharedInstance()))
        .withPropertyValues(
            "consumer.pause.check-interval=10ms", "consumer.pause.max-check-interval=40ms")
        .withUserConfiguration(ConsumerConfiguration.class)
        .withBean(CamelContext.class, () -> camel)
        .withBean(HealthContributorRegistry.class, this::registry)
        .withBean(ConsumptionGuard.class)
        .run(
            context -> {
              ConsumptionGuard guard = context.getBean(ConsumptionGuard.class);
              guard.pauseConsumption(ROUTE, new TimeoutException("Topic user not present"));

              await().atMost(Duration.ofSeconds(20)).until(() -> kafka.calls.get() >= 3);
              assertThat(guard.isPaused(ROUTE)).isTrue();
              assertThat(status()).isEqualTo(ServiceStatus.Stopped);

              kafka.up();
              await().atMost(Duration.ofSeconds(20)).until(() -> !guard.isPaused(ROUTE));
              assertThat(status()).isEqualTo(ServiceStatus.Started);
            });
  }

  /** The consumer properties, bound as in the service. */
  @EnableConfigurationProperties(ConsumerProperties.class)
  static class ConsumerConfiguration {}

  @Test
  void checksComeAtDoublingIntervalsUpToTheCap() {
    ConsumptionGuard guard = guard(List.of("db", "redis", "authz", "kafka"));
    indicators.get("authz").down();

    guard.pauseConsumption(ROUTE, unavailable("authz"));
    scheduler.runNext(); // stops the route
    assertThat(status()).isEqualTo(ServiceStatus.Stopped);
    for (int check = 0; check < 5; check++) {
      scheduler.runNext();
    }

    assertThat(status()).isEqualTo(ServiceStatus.Stopped);
    assertThat(scheduler.delays)
        .containsExactly(secs(0), secs(1), secs(2), secs(4), secs(8), secs(8), secs(8));
    assertThat(indicators.get("authz").calls).hasValue(5);

    indicators.get("authz").up();
    scheduler.runNext();

    assertThat(status()).isEqualTo(ServiceStatus.Started);
    assertThat(guard.isPaused(ROUTE)).isFalse();
    assertThat(scheduler.tasks).isEmpty();
  }

  /** The checks said UP, yet the record failed again at once: no restart every check-interval. */
  @Test
  void aPauseSoonAfterAResumeGoesOnWithLongerIntervals() {
    ConsumptionGuard guard = guard(List.of("db"));
    pauseAndResumeAfterChecks(guard, 1); // resumed at the second check, 2 s after the first

    clock.advance(Duration.ofSeconds(3));
    guard.pauseConsumption(ROUTE, new SQLTransientConnectionException("read-only"));
    scheduler.runNext();

    assertThat(scheduler.delays.get(scheduler.delays.size() - 1)).isEqualTo(secs(4));
  }

  @Test
  void aPauseLongAfterAResumeStartsAtTheCheckIntervalAgain() {
    ConsumptionGuard guard = guard(List.of("db"));
    pauseAndResumeAfterChecks(guard, 4);

    clock.advance(Duration.ofSeconds(9));
    guard.pauseConsumption(ROUTE, new SQLTransientConnectionException("gone"));
    scheduler.runNext();

    assertThat(scheduler.delays.get(scheduler.delays.size() - 1)).isEqualTo(secs(1));
  }

  /** An operator may watch fewer dependencies; the one that failed is still waited for. */
  @Test
  void theDependencyThatFailedIsWaitedForEvenWhenNotWatched() {
    ConsumptionGuard guard = guard(List.of("db"));
    indicators.get("authz").down();

    guard.pauseConsumption(ROUTE, unavailable("authz"));
    scheduler.runNext();
    scheduler.runNext();

    assertThat(status()).isEqualTo(ServiceStatus.Stopped);
    assertThat(guard.isPaused(ROUTE)).isTrue();
    indicators.get("authz").up();
    scheduler.runNext();
    assertThat(status()).isEqualTo(ServiceStatus.Started);
  }

  @Test
  void theFailedDependencyIsToldFromTheException() {
    assertThat(ConsumptionGuard.dependencyOf(unavailable("authz"))).hasValue("authz");
    assertThat(ConsumptionGuard.dependencyOf(new TimeoutException("metadata"))).hasValue("kafka");
    assertThat(
            ConsumptionGuard.dependencyOf(
                new RedisConnectionFailureException("down", new IllegalStateException())))
        .hasValue("redis");
    assertThat(
            ConsumptionGuard.dependencyOf(
                new CannotGetJdbcConnectionException(
                    "no connection", new SQLTransientConnectionException("timeout"))))
        .hasValue("db");
    assertThat(ConsumptionGuard.dependencyOf(new IllegalStateException("what"))).isEmpty();
  }

  /** Pauses for db, fails {@code failedChecks} checks, then resumes at the next one. */
  private void pauseAndResumeAfterChecks(ConsumptionGuard guard, int failedChecks) {
    indicators.get("db").down();
    guard.pauseConsumption(ROUTE, new SQLTransientConnectionException("gone"));
    scheduler.runNext();
    for (int check = 0; check < failedChecks; check++) {
      scheduler.runNext();
    }
    indicators.get("db").up();
    scheduler.runNext();
    assertThat(guard.isPaused(ROUTE)).isFalse();
  }

  private ConsumptionGuard guard(List<String> dependencies) {
    return new ConsumptionGuard(
        camel, registry(), true, dependencies, secs(1), secs(8), clock, scheduler);
  }

  private HealthContributorRegistry registry() {
    return new DefaultHealthContributorRegistry(Map.<String, HealthContributor>copyOf(indicators));
  }

  private ServiceStatus status() {
    return camel.getRouteController().getRouteStatus(ROUTE);
  }

  private static Duration secs(long seconds) {
    return Duration.ofSeconds(seconds);
  }

  private static Exception unavailable(String what) {
    return new DependencyUnavailableException(
        what + " CheckPermission", Status.UNAVAILABLE.asRuntimeException());
  }

  /** A health indicator the test turns up and down, counting the checks. */
  private static final class FakeIndicator implements HealthIndicator {
    private volatile boolean up = true;
    final AtomicInteger calls = new AtomicInteger();

    void up() {
      up = true;
    }

    void down() {
      up = false;
    }

    @Override
    public Health health() {
      calls.incrementAndGet();
      return up ? Health.up().build() : Health.down().build();
    }
  }

  /** Keeps the guard's tasks and their delays; the test runs them one at a time. */
  private static final class ManualScheduler implements ConsumptionGuard.Scheduler {
    final Deque<Runnable> tasks = new ArrayDeque<>();
    final List<Duration> delays = new ArrayList<>();

    @Override
    public void schedule(Runnable task, Duration delay) {
      tasks.add(task);
      delays.add(delay);
    }

    @Override
    public void close() {}

    void runNext() {
      tasks.remove().run();
    }
  }

  private static final class MutableClock extends Clock {
    private Instant now = Instant.parse("2025-01-01T00:00:00Z");

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
