package dev.usermq.logic;

import dev.usermq.repository.model.AuthzCommandRow;
import dev.usermq.repository.model.OutboxRow;
import java.util.List;

/**
 * Committed work that still has to leave the database: outbound events for Kafka and commands for
 * the authz service. Both are delivered after the commit, at least once.
 */
public interface SideEffects {

  /** Events to publish. */
  List<OutboxRow> events();

  /** Authz commands to deliver; each stands for every pending command of its user. */
  List<AuthzCommandRow> authzCommands();
}
