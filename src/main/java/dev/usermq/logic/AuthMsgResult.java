package dev.usermq.logic;

import dev.usermq.repository.model.AuthzCommandRow;
import dev.usermq.repository.model.OutboxRow;
import java.util.List;

/**
 * The result of one auth message.
 *
 * @param kind the kind as recorded in the ledger, e.g. {@code REGISTER}
 * @param userId the user concerned; for REGISTER the new or already bound user
 * @param events committed events still to publish: those of this application, or for a {@link
 *     Outcome#DUPLICATE} those an earlier attempt committed but did not get out
 * @param authzCommands committed authz commands still to deliver, in the same way
 */
public record AuthMsgResult(
    String messageId,
    String kind,
    Outcome outcome,
    long userId,
    List<OutboxRow> events,
    List<AuthzCommandRow> authzCommands)
    implements SideEffects {

  /** The same result with these events. */
  public AuthMsgResult withEvents(List<OutboxRow> events) {
    return new AuthMsgResult(messageId, kind, outcome, userId, events, authzCommands);
  }
}
