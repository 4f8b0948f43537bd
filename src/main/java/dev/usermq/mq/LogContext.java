package dev.usermq.mq;

import org.slf4j.MDC;
import org.springframework.stereotype.Component;

/**
 * Puts what identifies a record into the MDC, so that every log line of its processing carries it
 * ({@code messageId} in the JSON log). Camel carries the key across its threads and removes it when
 * the exchange is done ({@code camel.main.mdc-logging-keys-pattern}).
 */
@Component
public class LogContext {

  /** MDC key of the auth message id. */
  public static final String MESSAGE_ID = "messageId";

  /** Called by the auth route once the message id is known to be valid. */
  public void messageId(String messageId) {
    MDC.put(MESSAGE_ID, messageId);
  }
}
