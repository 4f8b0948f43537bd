package dev.usermq.repository.model;

import java.time.LocalDateTime;
import org.springframework.data.annotation.Id;
import org.springframework.data.annotation.ReadOnlyProperty;
import org.springframework.data.relational.core.mapping.Table;

/**
 * A row of {@code outbox}: one outbound event, committed with the work that caused it.
 *
 * @param eventId stable id, {@code <source message id>:<event type>}, so a re-sent event is
 *     recognisable
 * @param recordKey Kafka record key: the user id in decimal
 * @param payload protobuf bytes of the event
 */
@Table("outbox")
public record OutboxRow(
    @Id Long id,
    String eventId,
    String eventType,
    String topic,
    String recordKey,
    byte[] payload,
    String sourceMessageId,
    @ReadOnlyProperty LocalDateTime createdAt,
    LocalDateTime sentAt) {

  /** An event to insert. */
  public static OutboxRow newEvent(
      String topic, String eventType, String sourceMessageId, long userId, byte[] payload) {
    return new OutboxRow(
        null,
        sourceMessageId + ":" + eventType,
        eventType,
        topic,
        Long.toString(userId),
        payload,
        sourceMessageId,
        null,
        null);
  }

  /** The event with the id the database gave it. */
  public OutboxRow withId(long id) {
    return new OutboxRow(
        id, eventId, eventType, topic, recordKey, payload, sourceMessageId, createdAt, sentAt);
  }
}
