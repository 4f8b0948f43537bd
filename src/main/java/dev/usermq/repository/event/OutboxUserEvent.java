package dev.usermq.repository.event;

import dev.usermq.proto.common.mq.v1.UserCountReq;
import dev.usermq.repository.model.OutboxModel;
import dev.usermq.repository.model.OutboxRow;

/** {@link UserEvent} through the transactional outbox. */
public class OutboxUserEvent implements UserEvent {

  private final OutboxModel outbox;
  private final String topic;

  public OutboxUserEvent(OutboxModel outbox, String topic) {
    this.outbox = outbox;
    this.topic = topic;
  }

  @Override
  public OutboxRow sendCount(String sourceMessageId, long userId) {
    byte[] payload = UserCountReq.newBuilder().setUserId(userId).build().toByteArray();
    return outbox.save(OutboxRow.newEvent(topic, COUNT, sourceMessageId, userId, payload));
  }
}
