package dev.usermq.mq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyCollection;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;

import dev.usermq.config.OutboxProperties;
import dev.usermq.logic.SideEffects;
import dev.usermq.repository.DependencyUnavailableException;
import dev.usermq.repository.model.AuthzCommandRow;
import dev.usermq.repository.model.OutboxRow;
import dev.usermq.repository.rpc.AuthzCallException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.AvailabilityState;
import org.springframework.boot.availability.LivenessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.mock.env.MockEnvironment;

class AuthzDeliveryQueueTest {

  private final AuthzCommandDelivery delivery = mock(AuthzCommandDelivery.class);
  private final MeterRegistry meters = new SimpleMeterRegistry();
  private final OutboxRelay relay =
      new OutboxRelay(
          mock(DeliveryMarks.class),
          new FailureClassifier(),
          meters,
          new OutboxProperties(
              Duration.ofSeconds(30),
              Duration.ofSeconds(60),
              500,
              Duration.ofMillis(100),
              Duration.ofDays(7)),
          new MockEnvironment());
  private final List<Set<Long>> delivered = new CopyOnWriteArrayList<>();
  private final List<AvailabilityState> availability = new CopyOnWriteArrayList<>();
  private final ApplicationEventPublisher events =
      event -> {
        if (event instanceof AvailabilityChangeEvent<?> change) {
          availability.add(change.getState());
        }
      };
  private final AuthzDeliveryQueue queue =
      new AuthzDeliveryQueue(
          delivery, relay, Duration.ofMillis(50), Duration.ofMillis(200), meters, events);

  @AfterEach
  void stop() {
    queue.stop();
  }

  private final CountDownLatch firstCall = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);

  /**
   * Starts with deliveries that record their users, user 1 handed over: returns once its delivery
   * runs, which waits for {@link #release}.
   */
  private void startWithAFirstDeliveryHeldUp() throws InterruptedException {
    doAnswer(
            call -> {
              delivered.add(Set.copyOf(call.<Collection<Long>>getArgument(0)));
              firstCall.countDown();
              release.await(5, TimeUnit.SECONDS);
              return 0;
            })
        .when(delivery)
        .deliverPendingOf(anyCollection(), any());
    queue.start();
    queue.handOver(1);
    assertThat(firstCall.await(5, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void theUsersOfCommittedCommandsAreDeliveredTogetherEachOnce() throws Exception {
    startWithAFirstDeliveryHeldUp();
    // handed over while the first delivery runs: one delivery after it, each user once
    queue.deliverLater(effects(2, 3));
    queue.deliverLater(effects(3));
    release.countDown();

    await().atMost(Duration.ofSeconds(5)).until(queue::idle);
    assertThat(delivered).containsExactly(Set.of(1L), Set.of(2L, 3L));
    assertThat(queue.queued()).isZero();
    assertThat(meters.get("usermq.authz.delivery.queued").gauge().value()).isZero();
  }

  @Test
  void aTransientFailureIsTriedAgainAfterAPauseAndCounted() {
    AtomicInteger calls = new AtomicInteger();
    doAnswer(
            call -> {
              delivered.add(Set.copyOf(call.<Collection<Long>>getArgument(0)));
              if (calls.incrementAndGet() <= 2) {
                throw new DependencyUnavailableException("authz down", null);
              }
              return 1;
            })
        .when(delivery)
        .deliverPendingOf(anyCollection(), any());
    queue.start();

    queue.handOver(5);

    await().atMost(Duration.ofSeconds(5)).until(() -> calls.get() >= 1);
    assertThat(queue.idle()).as("tried again after a pause").isFalse();
    await().atMost(Duration.ofSeconds(5)).until(queue::idle);
    assertThat(calls).hasValue(3);
    assertThat(delivered).containsExactly(Set.of(5L), Set.of(5L), Set.of(5L));
    assertThat(failures()).isEqualTo(2);
    assertThat(queue.queued()).isZero();
  }

  @Test
  void anotherFailureIsLeftForTheRelay() {
    doAnswer(
            call -> {
              delivered.add(Set.copyOf(call.<Collection<Long>>getArgument(0)));
              throw new AuthzCallException("authz refused", null);
            })
        .when(delivery)
        .deliverPendingOf(anyCollection(), any());
    queue.start();

    queue.handOver(6);

    verify(delivery, timeout(5_000)).deliverPendingOf(anyCollection(), any());
    await().atMost(Duration.ofSeconds(5)).until(() -> failures() == 1);
    // not tried again: the relay takes the user's pending commands
    queue.handOver(7);
    await().atMost(Duration.ofSeconds(5)).until(() -> delivered.size() == 2);
    assertThat(delivered).containsExactly(Set.of(6L), Set.of(7L));
  }

  @Test
  void anErrorThatEndsTheDeliveryReportsTheProcessBroken() {
    doThrow(new NoClassDefFoundError("dev/usermq/Missing"))
        .when(delivery)
        .deliverPendingOf(anyCollection(), any());
    queue.start();

    queue.handOver(8);

    // liveness DOWN, so that the pod is restarted; meanwhile the relay delivers
    await().atMost(Duration.ofSeconds(5)).until(() -> !availability.isEmpty());
    assertThat(availability).containsExactly(LivenessState.BROKEN);
  }

  @Test
  void stoppingDeliversWhatWasHandedOverByThen() throws Exception {
    startWithAFirstDeliveryHeldUp();
    queue.handOver(8);
    queue.handOver(9);

    Thread stopping = new Thread(queue::stop);
    stopping.start();
    await().atMost(Duration.ofSeconds(5)).until(() -> !queue.isRunning());
    release.countDown();
    stopping.join(TimeUnit.SECONDS.toMillis(10));

    assertThat(stopping.isAlive()).isFalse();
    assertThat(delivered).containsExactly(Set.of(1L), Set.of(8L, 9L));
    assertThat(queue.queued()).isZero();
  }

  @Test
  void eachUserIsDeliveredInTheTraceContextOfTheFirstRecordThatHandedItOver() {
    ContextKey<String> record = ContextKey.named("record");
    Map<Long, String> seen = new ConcurrentHashMap<>();
    doAnswer(
            call -> {
              Function<Long, Context> traceOf = call.getArgument(1);
              for (long user : call.<Collection<Long>>getArgument(0)) {
                seen.put(user, traceOf.apply(user).get(record));
              }
              return 0;
            })
        .when(delivery)
        .deliverPendingOf(anyCollection(), any());
    handOverIn(Context.root().with(record, "r1"), 1);
    handOverIn(Context.root().with(record, "r2"), 2);
    handOverIn(Context.root().with(record, "r3"), 1);

    queue.start();

    await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() == 2);
    assertThat(seen).containsExactlyInAnyOrderEntriesOf(Map.of(1L, "r1", 2L, "r2"));
  }

  private void handOverIn(Context trace, long user) {
    try (Scope scope = trace.makeCurrent()) {
      queue.handOver(user);
    }
  }

  @Test
  void aFullQueueLeavesTheCommandsOfMoreUsersForTheRelay() {
    for (long user = 1; user <= AuthzDeliveryQueue.CAPACITY + 10; user++) {
      queue.handOver(user);
    }

    assertThat(queue.queued()).isEqualTo(AuthzDeliveryQueue.CAPACITY);
    assertThat(queue.idle()).isFalse();
  }

  private double failures() {
    return meters
        .get("usermq.outbox.failures")
        .tags("type", "authz", "path", "inline")
        .counter()
        .count();
  }

  private static SideEffects effects(long... users) {
    List<AuthzCommandRow> commands = new ArrayList<>();
    for (long user : users) {
      commands.add(
          new AuthzCommandRow(
              user * 10, "c" + user, AuthzCommandRow.GRANT_ROLE, user, "member", "m", null, null));
    }
    return new SideEffects() {
      @Override
      public List<OutboxRow> events() {
        return List.of();
      }

      @Override
      public List<AuthzCommandRow> authzCommands() {
        return commands;
      }
    };
  }
}
