package dev.usermq.grpc;

import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.health.HealthComponent;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.Status;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.ContextClosedEvent;

/**
 * Keeps {@code grpc.health.v1.Health} in step with the readiness health group (what {@code
 * /actuator/health/readiness} answers): {@code SERVING} while it is UP, {@code NOT_SERVING}
 * otherwise, for the whole server ({@code ""}) and each named service. From the moment the
 * application starts stopping, {@code NOT_SERVING} for good, so that clients go elsewhere while the
 * calls in flight drain.
 */
public class GrpcHealthUpdater implements SmartLifecycle, ApplicationListener<ContextClosedEvent> {

  private static final Logger log = LoggerFactory.getLogger(GrpcHealthUpdater.class);

  private final HealthStatusManager health;
  private final HealthEndpoint healthEndpoint;
  private final List<String> services;
  private final Duration interval;
  private ScheduledExecutorService timer;

  public GrpcHealthUpdater(
      HealthStatusManager health,
      HealthEndpoint healthEndpoint,
      List<String> services,
      Duration interval) {
    this.health = health;
    this.healthEndpoint = healthEndpoint;
    this.services = List.copyOf(services);
    this.interval = interval;
    set(ServingStatus.NOT_SERVING);
  }

  @Override
  public synchronized void start() {
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "grpc-health");
              t.setDaemon(true);
              return t;
            });
    timer.scheduleWithFixedDelay(this::update, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * The application starts stopping: before any lifecycle bean stops (the Camel routes, and so the
   * gRPC server, among them), so that health says NOT_SERVING while calls still drain.
   */
  @Override
  public void onApplicationEvent(ContextClosedEvent event) {
    stop();
  }

  @Override
  public synchronized void stop() {
    if (timer != null) {
      timer.shutdownNow();
      timer = null;
    }
    health.enterTerminalState();
  }

  @Override
  public synchronized boolean isRunning() {
    return timer != null;
  }

  @Override
  public int getPhase() {
    return Integer.MAX_VALUE;
  }

  /** Reads the readiness group once and sets the serving status from it. */
  void update() {
    try {
      HealthComponent readiness = healthEndpoint.healthForPath("readiness");
      boolean up = readiness != null && Status.UP.equals(readiness.getStatus());
      set(up ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
    } catch (RuntimeException e) {
      log.warn("readiness not known, gRPC health says NOT_SERVING: {}", e.toString());
      set(ServingStatus.NOT_SERVING);
    }
  }

  private void set(ServingStatus status) {
    health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, status);
    services.forEach(service -> health.setStatus(service, status));
  }
}
