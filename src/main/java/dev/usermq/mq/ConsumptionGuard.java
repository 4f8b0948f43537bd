package dev.usermq.mq;

import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.actuate.health.HealthContributorRegistry;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

/**
 * Pauses a consuming route while a dependency is down, instead of burning retries: once a record
 * has used up its in-route retries on a transient fault, the route is stopped, and started again
 * when the health indicator of every watched dependency, and of the one that failed, says UP.
 *
 * <p>Stopping rather than suspending the Kafka consumer is deliberate: a restarted consumer
 * subscribes again and resumes from the committed offsets of every partition, so the record that
 * failed, and any polled after it, are read again. Each restart is a rebalance of the consumer
 * group for every pod, so the guard avoids restarts that would only fail again: Kafka is watched
 * like the other dependencies, and checks come at growing intervals (doubling from {@code
 * check-interval} up to {@code max-check-interval}). A pause that comes soon after a resume (within
 * {@code max-check-interval}) means the checks said UP while the dependency still failed, so it
 * goes on with the intervals where the last pause left them rather than starting over.
 */
@Component
public class ConsumptionGuard implements DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(ConsumptionGuard.class);

  /** Runs the guard's work on one thread, after a delay. */
  interface Scheduler {
    void schedule(Runnable task, Duration delay);

    void close();
  }

  /** The check interval that led to the last resume of a route, and when it was. */
  private record LastResume(Duration interval, Instant at) {}

  private final CamelContext camel;
  private final HealthContributorRegistry health;
  private final boolean enabled;
  private final List<String> dependencies;
  private final Duration checkInterval;
  private final Duration maxCheckInterval;
  private final Clock clock;
  private final Scheduler scheduler;

  /** Paused routes, each with the dependency whose failure paused it, when it could be told. */
  private final Map<String, Optional<String>> paused = new ConcurrentHashMap<>();

  private final Map<String, LastResume> lastResumes = new ConcurrentHashMap<>();

  @Autowired
  public ConsumptionGuard(
      CamelContext camel,
      HealthContributorRegistry health,
      @Value("${consumer.pause.enabled:true}") boolean enabled,
      @Value("${consumer.pause.dependencies:db,redis,authz,kafka}") List<String> dependencies,
      @Value("${consumer.pause.check-interval:5s}") Duration checkInterval,
      @Value("${consumer.pause.max-check-interval:60s}") Duration maxCheckInterval) {
    this(
        camel,
        health,
        enabled,
        dependencies,
        checkInterval,
        maxCheckInterval,
        Clock.systemUTC(),
        singleThread());
  }

  ConsumptionGuard(
      CamelContext camel,
      HealthContributorRegistry health,
      boolean enabled,
      List<String> dependencies,
      Duration checkInterval,
      Duration maxCheckInterval,
      Clock clock,
      Scheduler scheduler) {
    this.camel = camel;
    this.health = health;
    this.enabled = enabled;
    this.dependencies = dependencies;
    this.checkInterval = checkInterval;
    this.maxCheckInterval =
        maxCheckInterval.compareTo(checkInterval) < 0 ? checkInterval : maxCheckInterval;
    this.clock = clock;
    this.scheduler = scheduler;
  }

  /**
   * Called by a route whose record failed transiently after its retries: stops the route (on
   * another thread, so that the record in flight can finish failing) and starts watching.
   */
  public void pauseConsumption(String routeId, Throwable cause) {
    if (!enabled || camel.isStopping()) {
      return;
    }
    Optional<String> failed = dependencyOf(cause);
    if (paused.putIfAbsent(routeId, failed) != null) {
      return;
    }
    log.warn(
        "Pausing route {} while {} is down: {}",
        routeId,
        failed.orElse("a dependency"),
        String.valueOf(cause));
    scheduler.schedule(() -> stop(routeId), Duration.ZERO);
  }

  /** Whether the route is paused by this guard. */
  public boolean isPaused(String routeId) {
    return paused.containsKey(routeId);
  }

  private void stop(String routeId) {
    try {
      camel.getRouteController().stopRoute(routeId);
    } catch (Exception e) {
      log.error("Could not stop route {}", routeId, e);
    }
    Duration first = firstInterval(routeId);
    scheduler.schedule(() -> resumeWhenHealthy(routeId, first), first);
  }

  /** The check interval at first, or where the last pause left off when it resumed just now. */
  private Duration firstInterval(String routeId) {
    LastResume last = lastResumes.get(routeId);
    if (last != null
        && Duration.between(last.at(), clock.instant()).compareTo(maxCheckInterval) < 0) {
      return next(last.interval());
    }
    return checkInterval;
  }

  private Duration next(Duration interval) {
    Duration doubled = interval.multipliedBy(2);
    return doubled.compareTo(maxCheckInterval) > 0 ? maxCheckInterval : doubled;
  }

  private void resumeWhenHealthy(String routeId, Duration interval) {
    List<String> down = watched(routeId).stream().filter(name -> !isUp(name)).toList();
    if (!down.isEmpty() || camel.isStopping()) {
      Duration next = next(interval);
      log.info("Route {} stays paused; down: {}; next check in {}", routeId, down, next);
      scheduler.schedule(() -> resumeWhenHealthy(routeId, next), next);
      return;
    }
    try {
      if (camel.getRouteController().getRouteStatus(routeId) != ServiceStatus.Started) {
        camel.getRouteController().startRoute(routeId);
      }
      lastResumes.put(routeId, new LastResume(interval, clock.instant()));
      paused.remove(routeId);
      log.info("Dependencies are back: route {} resumed", routeId);
    } catch (Exception e) {
      Duration next = next(interval);
      log.warn("Could not resume route {}; trying again in {}", routeId, next, e);
      scheduler.schedule(() -> resumeWhenHealthy(routeId, next), next);
    }
  }

  /** The watched dependencies, and the one whose failure paused the route. */
  private Set<String> watched(String routeId) {
    Set<String> names = new LinkedHashSet<>(dependencies);
    paused.getOrDefault(routeId, Optional.empty()).ifPresent(names::add);
    return names;
  }

  private boolean isUp(String name) {
    if (!(health.getContributor(name) instanceof HealthIndicator indicator)) {
      return true;
    }
    try {
      return Status.UP.equals(indicator.health().getStatus());
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * The health contributor of the dependency that failed ({@code authz}, {@code kafka}, {@code
   * redis}, {@code db}), told from the innermost recognisable exception; empty when none is.
   */
  static Optional<String> dependencyOf(Throwable failure) {
    Optional<String> found = Optional.empty();
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String name = t.getClass().getName();
      if (t instanceof StatusRuntimeException || t instanceof StatusException) {
        found = Optional.of("authz");
      } else if (t instanceof KafkaException) {
        found = Optional.of("kafka");
      } else if (name.startsWith("org.springframework.data.redis.")
          || name.startsWith("io.lettuce.")) {
        found = Optional.of("redis");
      } else if (t instanceof SQLException
          || (t instanceof DataAccessException && found.isEmpty())) {
        found = Optional.of("db");
      }
    }
    return found;
  }

  private static Scheduler singleThread() {
    ScheduledExecutorService executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "consumption-guard");
              thread.setDaemon(true);
              return thread;
            });
    return new Scheduler() {
      @Override
      public void schedule(Runnable task, Duration delay) {
        executor.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
      }

      @Override
      public void close() {
        executor.shutdownNow();
      }
    };
  }

  @Override
  public void destroy() {
    scheduler.close();
  }
}
