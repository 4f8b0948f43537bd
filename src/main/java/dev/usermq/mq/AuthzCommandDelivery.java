package dev.usermq.mq;

import dev.usermq.config.AuthzProperties;
import dev.usermq.repository.model.AuthzCommandModel;
import dev.usermq.repository.model.AuthzCommandRow;
import dev.usermq.repository.rpc.AuthzSrv;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import jakarta.annotation.PreDestroy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Delivers committed authz commands to the authz service: a user's pending commands one at a time,
 * oldest first, marked done once authz acknowledged them. Their rows are locked while they are
 * delivered, so the in-line path and the relay never deliver one user's commands out of order (a
 * revoke overtaken by an older grant would leave a deactivated user with a role); a deliverer that
 * finds commands pending delivers all of them, in order, so one delivered again (its mark not yet
 * written, or lost in a crash) is followed by every later one. Authz applies them idempotently by
 * user id, so one delivered again is harmless.
 */
@Component
public class AuthzCommandDelivery {

  private final AuthzCommandModel commands;
  private final AuthzSrv authz;
  private final TransactionTemplate tx;
  private final DeliveryMarks marks;
  private final FailureClassifier classifier;
  private final Executor calls;

  @Autowired
  public AuthzCommandDelivery(
      AuthzCommandModel commands,
      AuthzSrv authz,
      PlatformTransactionManager transactions,
      DeliveryMarks marks,
      FailureClassifier classifier,
      AuthzProperties properties) {
    this(
        commands,
        authz,
        transactions,
        marks,
        classifier,
        callPool(properties.deliveryConcurrency()));
  }

  AuthzCommandDelivery(
      AuthzCommandModel commands,
      AuthzSrv authz,
      PlatformTransactionManager transactions,
      DeliveryMarks marks,
      FailureClassifier classifier,
      Executor calls) {
    this.commands = commands;
    this.authz = authz;
    this.marks = marks;
    this.classifier = classifier;
    this.calls = calls;
    this.tx = new TransactionTemplate(transactions);
    // no gap locks: a business transaction adding a command for the same user does not wait
    this.tx.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
  }

  /**
   * Delivers every pending command of the user, in order, in one transaction that holds their row
   * locks; returns how many. The delivered ones are marked done by {@link DeliveryMarks}; a failure
   * leaves the failed command and those after it pending.
   */
  public int deliverPendingOf(long userId) {
    Delivery delivery = tx.execute(status -> deliverAll(userId));
    // after the commit: the locks kept other deliverers of this user's commands waiting until
    // authz had them; a deliverer that still finds them pending delivers them again before its own
    marks.commandsDone(delivery.done());
    if (delivery.failure() != null) {
      throw delivery.failure();
    }
    return delivery.done().size();
  }

  /**
   * Delivers every pending command of the users in one transaction that holds their row locks (the
   * users handed to the background delivery); returns how many. Each user's commands go in id
   * order, one at a time; the users go at once, in rounds: the first pending command of each user,
   * then the second of each, and so on, each round's calls made together ({@code
   * authz.delivery-concurrency} at most at a time), each in the user's trace context ({@code
   * traceOf}: that of the record that committed the commands). A command that fails for a reason of
   * its own (authz refused it) stops its user's delivery only: that user's later commands stay
   * pending behind it, for the relay, and the other users' are delivered. A transient failure
   * (authz down or slow) ends the delivery: no call starts after it (each would wait for it too),
   * those in flight finish. The failure of the lowest command id is thrown after the delivered ones
   * are handed to the marks.
   */
  public int deliverPendingOf(Collection<Long> userIds, Function<Long, Context> traceOf) {
    if (userIds.isEmpty()) {
      return 0;
    }
    Delivery delivery =
        tx.execute(status -> deliverInRounds(commands.lockPendingOfUsers(userIds), traceOf));
    marks.commandsDone(delivery.done());
    if (delivery.failure() != null) {
      throw delivery.failure();
    }
    return delivery.done().size();
  }

  /** Stops the threads of the calls made at once. */
  @PreDestroy
  public void close() {
    if (calls instanceof ExecutorService pool) {
      pool.shutdown();
    }
  }

  /**
   * The threads of the calls a delivery to several users makes at once: {@code size} at most, gone
   * when idle; each call runs in the trace context of the delivery that made it.
   */
  private static ExecutorService callPool(int size) {
    CustomizableThreadFactory threads = new CustomizableThreadFactory("authz-delivery-");
    threads.setDaemon(true);
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            size, size, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), threads);
    pool.allowCoreThreadTimeOut(true);
    return Context.taskWrapping(pool);
  }

  private Delivery deliverAll(long userId) {
    return deliver(commands.lockPendingOf(userId));
  }

  private Delivery deliver(List<AuthzCommandRow> pending) {
    List<Long> done = new ArrayList<>();
    for (AuthzCommandRow command : pending) {
      try {
        deliver(command);
      } catch (RuntimeException e) {
        return new Delivery(done, e);
      }
      done.add(command.id());
    }
    return new Delivery(done, null);
  }

  private Delivery deliverInRounds(List<AuthzCommandRow> pending, Function<Long, Context> traceOf) {
    Map<Long, List<AuthzCommandRow>> byUser = new LinkedHashMap<>();
    for (AuthzCommandRow command : pending) {
      byUser.computeIfAbsent(command.userId(), u -> new ArrayList<>()).add(command);
    }
    List<Long> done = new ArrayList<>();
    Set<Long> stopped = new HashSet<>();
    AuthzCommandRow firstFailed = null;
    RuntimeException firstFailure = null;
    // a call that would start after authz was seen down is not made: it would wait too
    AtomicBoolean seenDown = new AtomicBoolean();
    for (int round = 0; !seenDown.get(); round++) {
      List<AuthzCommandRow> calls = new ArrayList<>();
      for (List<AuthzCommandRow> ofUser : byUser.values()) {
        if (round < ofUser.size() && !stopped.contains(ofUser.get(round).userId())) {
          calls.add(ofUser.get(round));
        }
      }
      if (calls.isEmpty()) {
        break;
      }
      List<CompletableFuture<Call>> results = new ArrayList<>(calls.size());
      for (AuthzCommandRow command : calls) {
        // the call pool runs each call in the context current when it was handed over
        try (Scope trace = traceOf.apply(command.userId()).makeCurrent()) {
          results.add(CompletableFuture.supplyAsync(() -> call(command, seenDown), this.calls));
        }
      }
      for (int i = 0; i < calls.size(); i++) {
        AuthzCommandRow command = calls.get(i);
        Call call = results.get(i).join();
        if (call.delivered()) {
          done.add(command.id());
        } else if (call.failure() != null) {
          stopped.add(command.userId());
          if (firstFailed == null || command.id() < firstFailed.id()) {
            firstFailed = command;
            firstFailure = call.failure();
          }
        }
      }
    }
    done.sort(null);
    return new Delivery(done, firstFailure);
  }

  /**
   * Delivers the command, unless authz was seen down ({@code seenDown}); a transient failure sets
   * it.
   */
  private Call call(AuthzCommandRow command, AtomicBoolean seenDown) {
    if (seenDown.get()) {
      return Call.NOT_MADE;
    }
    try {
      deliver(command);
      return Call.DELIVERED;
    } catch (RuntimeException e) {
      if (classifier.isTransient(e)) {
        seenDown.set(true);
      }
      return new Call(false, e);
    }
  }

  private void deliver(AuthzCommandRow command) {
    switch (command.command()) {
      case AuthzCommandRow.GRANT_ROLE -> authz.grantRole(command.userId(), command.role());
      case AuthzCommandRow.REVOKE_ROLES -> authz.revokeRoles(command.userId());
      default ->
          throw new IllegalStateException(
              "authz command " + command.id() + " has an unknown command " + command.command());
    }
  }

  /** What became of one call of a round: delivered, failed, or not made (authz was seen down). */
  private record Call(boolean delivered, RuntimeException failure) {
    static final Call DELIVERED = new Call(true, null);
    static final Call NOT_MADE = new Call(false, null);
  }

  /** What one transaction delivered, and the failure that stopped it, if one did. */
  private record Delivery(List<Long> done, RuntimeException failure) {}
}
