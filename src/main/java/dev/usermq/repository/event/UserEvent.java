package dev.usermq.repository.event;

import dev.usermq.repository.model.OutboxRow;

/** Events of the user topic. */
public interface UserEvent {

  /** {@code event-type} of {@link #sendCount}. */
  String COUNT = "user.count";

  /**
   * Queues {@code UserCountReq{userId}} in the outbox of the current transaction; it is published
   * once the transaction has committed.
   */
  OutboxRow sendCount(String sourceMessageId, long userId);
}
