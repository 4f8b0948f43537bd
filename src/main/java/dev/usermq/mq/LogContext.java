package dev.usermq.mq;

import org.apache.camel.Exchange;
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

  /** The exchange variable the auth route keeps the message id in. */
  public static final String MESSAGE_ID_VARIABLE = "messageId";

  /** Puts the message id into the MDC. */
  public void messageId(String messageId) {
    MDC.put(MESSAGE_ID, messageId);
  }

  /**
   * Called by the auth route once the message id is known to be valid and kept in its variable
   * ({@value #MESSAGE_ID_VARIABLE}). The route passes the exchange, which Camel binds by type: a
   * parameter expression would be parsed and evaluated again for every record.
   */
  public void messageIdOf(Exchange exchange) {
    messageId(exchange.getVariable(MESSAGE_ID_VARIABLE, String.class));
  }
}
