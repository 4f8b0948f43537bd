package dev.usermq.mq;

import dev.usermq.logic.SideEffects;
import dev.usermq.proto.common.mq.v1.AuthMsg;
import dev.usermq.repository.model.OutboxRow;
import java.util.function.Function;
import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.support.ExpressionAdapter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Expressions of the per-record routes, by bean name for the {@code ref} language: a part of the
 * body read by a plain call. A Simple expression such as {@code ${body.messageId}} builds a bean
 * expression, looks the method up and copies the exchange on every evaluation, which a record pays
 * for several times.
 */
@Configuration(proxyBeanMethods = false)
public class RouteExpressions {

  /** The message id of an {@link AuthMsg} body: {@code ${body.messageId}}. */
  @Bean
  public Expression authMsgMessageId() {
    return ofBody(AuthMsg.class, AuthMsg::getMessageId, "body.messageId");
  }

  /** The events of a {@link SideEffects} body: {@code ${body.events}}. */
  @Bean
  public Expression sideEffectsEvents() {
    return ofBody(SideEffects.class, SideEffects::events, "body.events");
  }

  /** The authz commands of a {@link SideEffects} body: {@code ${body.authzCommands}}. */
  @Bean
  public Expression sideEffectsAuthzCommands() {
    return ofBody(SideEffects.class, SideEffects::authzCommands, "body.authzCommands");
  }

  /** The topic of an {@link OutboxRow} body: {@code ${body.topic}}. */
  @Bean
  public Expression outboxTopic() {
    return ofBody(OutboxRow.class, OutboxRow::topic, "body.topic");
  }

  /** The record key of an {@link OutboxRow} body: {@code ${body.recordKey}}. */
  @Bean
  public Expression outboxRecordKey() {
    return ofBody(OutboxRow.class, OutboxRow::recordKey, "body.recordKey");
  }

  /** The event id of an {@link OutboxRow} body: {@code ${body.eventId}}. */
  @Bean
  public Expression outboxEventId() {
    return ofBody(OutboxRow.class, OutboxRow::eventId, "body.eventId");
  }

  /** The event type of an {@link OutboxRow} body: {@code ${body.eventType}}. */
  @Bean
  public Expression outboxEventType() {
    return ofBody(OutboxRow.class, OutboxRow::eventType, "body.eventType");
  }

  /** The source message id of an {@link OutboxRow} body: {@code ${body.sourceMessageId}}. */
  @Bean
  public Expression outboxSourceMessageId() {
    return ofBody(OutboxRow.class, OutboxRow::sourceMessageId, "body.sourceMessageId");
  }

  /** The payload of an {@link OutboxRow} body: {@code ${body.payload}}. */
  @Bean
  public Expression outboxPayload() {
    return ofBody(OutboxRow.class, OutboxRow::payload, "body.payload");
  }

  /** A part of the body, as its type; null for no body, as Simple gives. */
  static <T> Expression ofBody(Class<T> type, Function<T, Object> part, String name) {
    return new ExpressionAdapter() {
      @Override
      public Object evaluate(Exchange exchange) {
        T body = exchange.getIn().getBody(type);
        return body == null ? null : part.apply(body);
      }

      @Override
      public String toString() {
        return name;
      }
    };
  }
}
