package dev.usermq.mq;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.actuate.health.HealthContributorRegistry;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.stereotype.Component;

/**
 * Pauses a consuming route while a dependency is down, instead of burning retries: once a record
 * has used up its in-route retries on a transient fault, the route is stopped, and started again
 * when every dependency's health indicator says UP.
 *
 * <p>Stopping rather than suspending the Kafka consumer is deliberate: a restarted consumer
 * subscribes again and resumes from the committed offsets of every partition, so the record that
 * failed, and any polled after it, are read again.
 */
@Component
public class ConsumptionGuard implements DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(ConsumptionGuard.class);

  private final CamelContext camel;
  private final HealthContributorRegistry health;
  private final boolean enabled;
  private final List<String> dependencies;
  private final Duration checkInterval;
  private final Set<String> paused = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread thread = new Thread(r, "consumption-guard");
            thread.setDaemon(true);
            return thread;
          });

  public ConsumptionGuard(
      CamelContext camel,
      HealthContributorRegistry health,
      @Value("${consumer.pause.enabled:true}") boolean enabled,
      @Value("${consumer.pause.dependencies:db,redis,authz}") List<String> dependencies,
      @Value("${consumer.pause.check-interval:5s}") Duration checkInterval) {
    this.camel = camel;
    this.health = health;
    this.enabled = enabled;
    this.dependencies = dependencies;
    this.checkInterval = checkInterval;
  }

  /**
   * Called by a route whose record failed transiently after its retries: stops the route (on
   * another thread, so that the record in flight can finish failing) and starts watching.
   */
  public void pauseConsumption(String routeId, Throwable cause) {
    if (!enabled || camel.isStopping() || !paused.add(routeId)) {
      return;
    }
    log.warn("Pausing route {} while a dependency is down: {}", routeId, String.valueOf(cause));
    executor.execute(
        () -> {
          try {
            camel.getRouteController().stopRoute(routeId);
          } catch (Exception e) {
            log.error("Could not stop route {}", routeId, e);
          }
          executor.schedule(() -> resumeWhenHealthy(routeId), checkInterval.toMillis(), TimeUnit.MILLISECONDS);
        });
  }

  /** Whether the route is paused by this guard. */
  public boolean isPaused(String routeId) {
    return paused.contains(routeId);
  }

  private void resumeWhenHealthy(String routeId) {
    List<String> down = dependencies.stream().filter(name -> !isUp(name)).toList();
    if (!down.isEmpty() || camel.isStopping()) {
      log.info("Route {} stays paused; down: {}", routeId, down);
      executor.schedule(() -> resumeWhenHealthy(routeId), checkInterval.toMillis(), TimeUnit.MILLISECONDS);
      return;
    }
    try {
      if (camel.getRouteController().getRouteStatus(routeId) != ServiceStatus.Started) {
        camel.getRouteController().startRoute(routeId);
      }
      paused.remove(routeId);
      log.info("Dependencies are back: route {} resumed", routeId);
    } catch (Exception e) {
      log.warn("Could not resume route {}; trying again", routeId, e);
      executor.schedule(() -> resumeWhenHealthy(routeId), checkInterval.toMillis(), TimeUnit.MILLISECONDS);
    }
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

  @Override
  public void destroy() {
    executor.shutdownNow();
  }
}
