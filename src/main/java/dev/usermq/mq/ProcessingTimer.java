package dev.usermq.mq;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.CamelEvent.ExchangeEvent;
import org.apache.camel.support.EventNotifierSupport;

/**
 * Stops the processing timer of an auth record when its exchange ends, completed or failed, so that
 * the time includes everything after the counting step too (publishing the events, writing the
 * Redis key). Registered by {@link MetricsConfiguration}.
 */
public class ProcessingTimer extends EventNotifierSupport {

  /** The route that consumes auth messages; its exchanges are the ones timed. */
  static final String AUTH_ROUTE = MqConfiguration.PER_RECORD_ROUTE;

  private final ProcessingStats stats;

  public ProcessingTimer(ProcessingStats stats) {
    this.stats = stats;
    // only the end of an exchange matters: Camel does not even create the other events
    setIgnoreCamelContextEvents(true);
    setIgnoreCamelContextInitEvents(true);
    setIgnoreRouteEvents(true);
    setIgnoreServiceEvents(true);
    setIgnoreStepEvents(true);
    setIgnoreExchangeCreatedEvent(true);
    setIgnoreExchangeSendingEvents(true);
    setIgnoreExchangeSentEvents(true);
    setIgnoreExchangeRedeliveryEvents(true);
    setIgnoreExchangeAsyncProcessingStartedEvents(true);
  }

  @Override
  public boolean isEnabled(CamelEvent event) {
    return event.getType() == CamelEvent.Type.ExchangeCompleted
        || event.getType() == CamelEvent.Type.ExchangeFailed;
  }

  @Override
  public void notify(CamelEvent event) {
    Exchange exchange = ((ExchangeEvent) event).getExchange();
    // the record's own exchange, not the copies a splitter makes of it
    if (AUTH_ROUTE.equals(exchange.getFromRouteId())
        && exchange.getProperty(ExchangePropertyKey.CORRELATION_ID) == null) {
      stats.finished(exchange);
    }
  }
}
