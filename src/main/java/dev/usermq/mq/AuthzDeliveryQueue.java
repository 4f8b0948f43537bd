package dev.usermq.mq;

import dev.usermq.config.RetryProperties;
import dev.usermq.logic.SideEffects;
import dev.usermq.repository.model.AuthzCommandRow;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Delivers the authz commands of committed records in the background, so that a record does not
 * wait for authz: the auth routes (in either mode) hand over the users whose commands they
 * committed, and one thread delivers the pending commands of every user handed over meanwhile, in
 * one locking transaction ({@link AuthzCommandDelivery#deliverPendingOf(java.util.Collection,
 * java.util.function.Function)}: each user's in order, the users at once, each user's calls in the
 * trace of the record that handed it over).
 *
 * <p>The commands are in the database before they are handed over, so nothing here needs to be
 * kept: a transient failure (authz down or slow) hands the users over again after a pause that
 * doubles from {@code retry.transient.initial-delay} up to {@code retry.transient.max-delay}; a
 * failure of a command of its own leaves that user's commands to the outbox relay, as does a crash
 * and a full queue ({@value #CAPACITY} users). Stopping delivers what is handed over by then, once.
 * Should the thread end otherwise, the process reports itself broken (liveness).
 */
@Component
public class AuthzDeliveryQueue implements SmartLifecycle {

  /** Users handed over and not yet taken, at most; more are left to the relay. */
  static final int CAPACITY = 100_000;

  /** Users delivered by one transaction at most. */
  static final int BATCH = 500;

  private static final Logger log = LoggerFactory.getLogger(AuthzDeliveryQueue.class);

  private final AuthzCommandDelivery delivery;
  private final OutboxRelay relay;
  private final Duration initialPause;
  private final Duration maxPause;
  private final ApplicationEventPublisher events;
  private final BlockingQueue<HandedOver> users = new LinkedBlockingQueue<>(CAPACITY);
  private final AtomicBoolean full = new AtomicBoolean();
  // handed over and neither delivered nor left for the relay yet: queued or being delivered
  private final AtomicInteger undone = new AtomicInteger();
  private volatile CountDownLatch stopping;
  private Thread thread;

  @Autowired
  public AuthzDeliveryQueue(
      AuthzCommandDelivery delivery,
      OutboxRelay relay,
      RetryProperties retry,
      MeterRegistry meters,
      ApplicationEventPublisher events) {
    this(
        delivery,
        relay,
        retry.transientFaults().initialDelay(),
        retry.transientFaults().maxDelay(),
        meters,
        events);
  }

  AuthzDeliveryQueue(
      AuthzCommandDelivery delivery,
      OutboxRelay relay,
      Duration initialPause,
      Duration maxPause,
      MeterRegistry meters,
      ApplicationEventPublisher events) {
    this.delivery = delivery;
    this.relay = relay;
    this.initialPause = initialPause;
    this.maxPause = maxPause;
    this.events = events;
    Gauge.builder("usermq.authz.delivery.queued", this, AuthzDeliveryQueue::queued)
        .description("Users whose committed authz commands wait for the background delivery")
        .register(meters);
  }

  /** Hands over the users of the side effects' authz commands, once they are committed. */
  public void deliverLater(SideEffects committed) {
    for (AuthzCommandRow command : committed.authzCommands()) {
      handOver(command.userId());
    }
  }

  /**
   * Hands over a user whose authz commands are committed; the calls that deliver them are made in
   * the current trace context.
   */
  public void handOver(long userId) {
    handOver(new HandedOver(userId, Context.current()));
  }

  private void handOver(HandedOver user) {
    if (users.offer(user)) {
      undone.incrementAndGet();
      full.set(false);
    } else if (full.compareAndSet(false, true)) {
      log.warn(
          "{} users wait for the authz delivery; the commands of more are left for the relay",
          CAPACITY);
    }
  }

  /** Users handed over and not yet taken. */
  public int queued() {
    return users.size();
  }

  /**
   * Whether every user handed over so far is done with: delivered, or left for the relay; not while
   * a delivery runs or waits to be tried again.
   */
  public boolean idle() {
    return undone.get() == 0;
  }

  @Override
  public synchronized void start() {
    stopping = new CountDownLatch(1);
    thread = new Thread(this::run, "authz-delivery");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * After Camel stopped (a higher phase stops first): what was handed over is delivered once; what
   * is not delivered in time is left for the relay.
   */
  @Override
  public void stop() {
    Thread stopped;
    synchronized (this) {
      stopped = thread;
      thread = null;
    }
    if (stopped == null) {
      return;
    }
    stopping.countDown();
    try {
      stopped.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (stopped.isAlive() || !users.isEmpty()) {
      log.warn("stopped with the authz commands of some users left for the relay");
    }
  }

  @Override
  public synchronized boolean isRunning() {
    return thread != null;
  }

  /** Between {@link DeliveryMarks}' phase and Camel's: stops after the routes, before the marks. */
  @Override
  public int getPhase() {
    return 1;
  }

  /**
   * Delivers until stopped. Anything that ends the thread otherwise (an {@link Error}, or a failure
   * of the relay's own bookkeeping) reports the process broken (liveness DOWN, so that Kubernetes
   * restarts the pod); until then the relay delivers the commands of the users handed over.
   */
  private void run() {
    try {
      deliverUntilStopped();
    } catch (RuntimeException | Error e) {
      log.error(
          "the authz delivery stopped; the relay delivers the commands of the users handed over"
              + " from now on, and the process reports itself broken (liveness DOWN)",
          e);
      AvailabilityChangeEvent.publish(events, this, LivenessState.BROKEN);
    }
  }

  private void deliverUntilStopped() {
    Duration pause = initialPause;
    while (stopping.getCount() > 0) {
      List<HandedOver> taken = take();
      if (taken.isEmpty()) {
        continue;
      }
      if (deliver(taken)) {
        undone.addAndGet(-taken.size());
        pause = initialPause;
        continue;
      }
      taken.forEach(this::handOver);
      undone.addAndGet(-taken.size());
      if (await(pause)) {
        break;
      }
      pause = pause.multipliedBy(2).compareTo(maxPause) > 0 ? maxPause : pause.multipliedBy(2);
    }
    // stopping: what is handed over by now, once
    for (List<HandedOver> taken = drain(); !taken.isEmpty(); taken = drain()) {
      boolean delivered = deliver(taken);
      undone.addAndGet(-taken.size());
      if (!delivered) {
        return;
      }
    }
  }

  /** The users handed over, up to a batch, waiting a little for the first. */
  private List<HandedOver> take() {
    HandedOver first;
    try {
      first = users.poll(100, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopping.countDown();
      return List.of();
    }
    if (first == null) {
      return List.of();
    }
    List<HandedOver> taken = new ArrayList<>();
    taken.add(first);
    users.drainTo(taken, BATCH - 1);
    return taken;
  }

  private List<HandedOver> drain() {
    List<HandedOver> taken = new ArrayList<>();
    users.drainTo(taken, BATCH);
    return taken;
  }

  /**
   * Delivers the users' pending commands; false after a transient failure, to be tried again
   * (another failure is counted and logged, and left for the relay).
   */
  private boolean deliver(List<HandedOver> taken) {
    // a user handed over again is delivered once, in the trace of the first record that did
    Map<Long, Context> traces = new LinkedHashMap<>();
    for (HandedOver user : taken) {
      traces.putIfAbsent(user.id(), user.trace());
    }
    Set<Long> distinct = traces.keySet();
    try {
      delivery.deliverPendingOf(distinct, traces::get);
      return true;
    } catch (RuntimeException e) {
      return !relay.queuedAuthzFailed(distinct, e);
    }
  }

  /** A user handed over, and the trace context of the record that did. */
  private record HandedOver(long id, Context trace) {}

  /** Waits for the pause; true when stopping meanwhile. */
  private boolean await(Duration pause) {
    try {
      return stopping.await(pause.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }
}
