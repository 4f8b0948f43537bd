package dev.usermq.repository.event;

import dev.usermq.proto.common.mq.v1.CancelUserOrdersReq;
import dev.usermq.repository.model.OutboxModel;
import dev.usermq.repository.model.OutboxRow;

/** {@link OrderEvent} through the transactional outbox. */
public class OutboxOrderEvent implements OrderEvent {

  private final OutboxModel outbox;
  private final String topic;

  public OutboxOrderEvent(OutboxModel outbox, String topic) {
    this.outbox = outbox;
    this.topic = topic;
  }

  @Override
  public OutboxRow sendCancelUserOrders(String sourceMessageId, long userId, String reason) {
    byte[] payload =
        CancelUserOrdersReq.newBuilder().setUserId(userId).setReason(reason).build().toByteArray();
    return outbox.save(OutboxRow.newEvent(topic, CANCEL_BY_USER, sourceMessageId, userId, payload));
  }
}
