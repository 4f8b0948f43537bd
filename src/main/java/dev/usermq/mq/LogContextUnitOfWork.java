package dev.usermq.mq;

import ch.qos.logback.classic.util.LogbackMDCAdapter;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.Route;
import org.apache.camel.impl.engine.DefaultUnitOfWork;
import org.apache.camel.spi.InflightRepository;
import org.apache.camel.spi.UnitOfWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * A unit of work that puts the exchange's {@code camel.*} keys into the MDC when it is created and
 * takes them out when it is done ({@link LogContextUnitOfWorkFactory}): {@code camel.exchangeId},
 * {@code camel.messageId}, {@code camel.contextId}, {@code camel.routeId} (the route the exchange
 * is in), and {@code camel.correlationId} and {@code camel.breadcrumbId} when it has them. When it
 * is done, the keys it found are put back, and the MDC keys the custom pattern names (those the
 * route put there, such as {@code messageId}) removed, unless the exchange is a part of another one
 * (a split), whose keys stay for it.
 */
final class LogContextUnitOfWork extends DefaultUnitOfWork {

  private static final Logger LOG = LoggerFactory.getLogger(LogContextUnitOfWork.class);

  private static final String[] KEYS = {
    UnitOfWork.MDC_EXCHANGE_ID,
    UnitOfWork.MDC_MESSAGE_ID,
    UnitOfWork.MDC_CAMEL_CONTEXT_ID,
    UnitOfWork.MDC_ROUTE_ID,
    UnitOfWork.MDC_CORRELATION_ID,
    UnitOfWork.MDC_BREADCRUMB_ID
  };

  private final Predicate<String> customKeys;
  private final String[] found = new String[KEYS.length];

  LogContextUnitOfWork(
      Exchange exchange,
      InflightRepository inflightRepository,
      boolean allowUseOriginalMessage,
      boolean useBreadcrumb,
      Predicate<String> customKeys) {
    super(exchange, LOG, inflightRepository, allowUseOriginalMessage, useBreadcrumb);
    this.customKeys = customKeys;
    for (int i = 0; i < KEYS.length; i++) {
      found[i] = MDC.get(KEYS[i]);
    }
    MDC.put(UnitOfWork.MDC_EXCHANGE_ID, exchange.getExchangeId());
    MDC.put(UnitOfWork.MDC_MESSAGE_ID, exchange.getMessage().getMessageId());
    MDC.put(UnitOfWork.MDC_CAMEL_CONTEXT_ID, exchange.getContext().getName());
    String correlationId = exchange.getProperty(ExchangePropertyKey.CORRELATION_ID, String.class);
    if (correlationId != null) {
      MDC.put(UnitOfWork.MDC_CORRELATION_ID, correlationId);
    }
    String breadcrumbId = exchange.getIn().getHeader(Exchange.BREADCRUMB_ID, String.class);
    if (breadcrumbId != null) {
      MDC.put(UnitOfWork.MDC_BREADCRUMB_ID, breadcrumbId);
    }
  }

  @Override
  public void pushRoute(Route route) {
    super.pushRoute(route);
    putIfPresent(UnitOfWork.MDC_ROUTE_ID, route != null ? route.getRouteId() : null);
  }

  @Override
  public Route popRoute() {
    Route popped = super.popRoute();
    Route current = getRoute();
    putIfPresent(UnitOfWork.MDC_ROUTE_ID, current != null ? current.getRouteId() : null);
    return popped;
  }

  @Override
  public void done(Exchange exchange) {
    // the synchronizations and the exchange's events still log with its keys
    super.done(exchange);
    removeCustomKeys(exchange);
    restore();
  }

  @Override
  public void reset() {
    super.reset();
    removeCustomKeys(null);
    restore();
  }

  private void removeCustomKeys(Exchange exchange) {
    if (exchange != null) {
      String correlationId = exchange.getProperty(ExchangePropertyKey.CORRELATION_ID, String.class);
      if (correlationId != null && !correlationId.equals(exchange.getExchangeId())) {
        return;
      }
    }
    for (String key : mdcKeys()) {
      if (customKeys.test(key)) {
        MDC.remove(key);
      }
    }
  }

  /**
   * The keys in the MDC now, in a set that removing them does not change: Logback's snapshot of its
   * map (the one copy it keeps until the next change, which {@code getCopyOfContextMap} would copy
   * again), or else a copy.
   */
  private static Set<String> mdcKeys() {
    if (MDC.getMDCAdapter() instanceof LogbackMDCAdapter logback) {
      Set<String> keys = logback.getKeys();
      return keys != null ? keys : Set.of();
    }
    Map<String, String> copy = MDC.getCopyOfContextMap();
    return copy != null ? copy.keySet() : Set.of();
  }

  private void restore() {
    for (int i = 0; i < KEYS.length; i++) {
      putIfPresent(KEYS[i], found[i]);
    }
  }

  private static void putIfPresent(String key, String value) {
    if (value != null) {
      MDC.put(key, value);
    } else {
      MDC.remove(key);
    }
  }
}
