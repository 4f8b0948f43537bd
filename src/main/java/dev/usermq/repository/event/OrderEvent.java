package dev.usermq.repository.event;

import dev.usermq.repository.model.OutboxRow;

/** Events of the order topic. */
public interface OrderEvent {

  /** {@code event-type} of {@link #sendCancelUserOrders}. */
  String CANCEL_BY_USER = "order.cancel_by_user";

  /**
   * Queues {@code CancelUserOrdersReq{userId, reason}} in the outbox of the current transaction; it
   * is published once the transaction has committed.
   */
  OutboxRow sendCancelUserOrders(String sourceMessageId, long userId, String reason);
}
