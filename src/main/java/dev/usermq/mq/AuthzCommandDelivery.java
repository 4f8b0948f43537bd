package dev.usermq.mq;

import dev.usermq.repository.model.AuthzCommandModel;
import dev.usermq.repository.model.AuthzCommandRow;
import dev.usermq.repository.rpc.AuthzSrv;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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

  public AuthzCommandDelivery(
      AuthzCommandModel commands,
      AuthzSrv authz,
      PlatformTransactionManager transactions,
      DeliveryMarks marks,
      FailureClassifier classifier) {
    this.commands = commands;
    this.authz = authz;
    this.marks = marks;
    this.classifier = classifier;
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
   * {@link #deliverPendingOf(long)} the user of the command: for a route whose body is the command,
   * which Camel binds by type, where a parameter expression would be evaluated again for every
   * command.
   */
  public int deliverPendingFrom(AuthzCommandRow command) {
    return deliverPendingOf(command.userId());
  }

  /**
   * Delivers every pending command of the users, in id order, in one transaction that holds their
   * row locks (a batch's users); returns how many. A command that fails for a reason of its own
   * (authz refused it) stops its user's delivery only: that user's later commands stay pending
   * behind it, for the relay, and the other users' are delivered. A transient failure (authz down
   * or slow) stops the whole delivery: each further call would wait for it too. The first failure
   * is thrown after the delivered ones are handed to the marks.
   */
  public int deliverPendingOf(Collection<Long> userIds) {
    if (userIds.isEmpty()) {
      return 0;
    }
    Delivery delivery = tx.execute(status -> deliver(commands.lockPendingOfUsers(userIds)));
    marks.commandsDone(delivery.done());
    if (delivery.failure() != null) {
      throw delivery.failure();
    }
    return delivery.done().size();
  }

  private Delivery deliverAll(long userId) {
    return deliver(commands.lockPendingOf(userId));
  }

  private Delivery deliver(List<AuthzCommandRow> pending) {
    List<Long> done = new ArrayList<>();
    RuntimeException failure = null;
    Set<Long> stopped = new HashSet<>();
    for (AuthzCommandRow command : pending) {
      if (stopped.contains(command.userId())) {
        continue;
      }
      try {
        deliver(command);
      } catch (RuntimeException e) {
        failure = failure == null ? e : failure;
        if (classifier.isTransient(e)) {
          break;
        }
        stopped.add(command.userId());
        continue;
      }
      done.add(command.id());
    }
    return new Delivery(done, failure);
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

  /** What one transaction delivered, and the failure that stopped it, if one did. */
  private record Delivery(List<Long> done, RuntimeException failure) {}
}
