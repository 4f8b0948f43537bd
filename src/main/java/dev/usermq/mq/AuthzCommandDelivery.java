package dev.usermq.mq;

import dev.usermq.repository.model.AuthzCommandModel;
import dev.usermq.repository.model.AuthzCommandRow;
import dev.usermq.repository.rpc.AuthzSrv;
import java.util.Optional;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Delivers committed authz commands to the authz service: a user's pending commands one at a time,
 * oldest first, each marked done once authz acknowledged it. Each command's row is locked while it
 * is delivered, so the in-line path and the relay never deliver one user's commands out of order (a
 * revoke overtaken by an older grant would leave a deactivated user with a role). Authz applies
 * them idempotently by user id, so one delivered again after a crash is harmless.
 */
@Component
public class AuthzCommandDelivery {

  private final AuthzCommandModel commands;
  private final AuthzSrv authz;
  private final TransactionTemplate tx;

  public AuthzCommandDelivery(
      AuthzCommandModel commands, AuthzSrv authz, PlatformTransactionManager transactions) {
    this.commands = commands;
    this.authz = authz;
    this.tx = new TransactionTemplate(transactions);
    // no gap locks: a business transaction adding a command for the same user does not wait
    this.tx.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
  }

  /**
   * Delivers every pending command of the user, in order; returns how many. A failure leaves the
   * failed command and those after it pending.
   */
  public int deliverPendingOf(long userId) {
    int delivered = 0;
    while (Boolean.TRUE.equals(tx.execute(status -> deliverOldest(userId)))) {
      delivered++;
    }
    return delivered;
  }

  private boolean deliverOldest(long userId) {
    Optional<AuthzCommandRow> oldest = commands.lockOldestPendingOf(userId);
    if (oldest.isEmpty()) {
      return false;
    }
    AuthzCommandRow command = oldest.get();
    switch (command.command()) {
      case AuthzCommandRow.GRANT_ROLE -> authz.grantRole(userId, command.role());
      case AuthzCommandRow.REVOKE_ROLES -> authz.revokeRoles(userId);
      default ->
          throw new IllegalStateException(
              "authz command " + command.id() + " has an unknown command " + command.command());
    }
    commands.markDone(command.id());
    return true;
  }
}
