package dev.usermq.mq;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.component.micrometer.eventnotifier.MicrometerExchangeEventNotifier;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.CamelEvent.ExchangeCompletedEvent;
import org.apache.camel.spi.CamelEvent.ExchangeCreatedEvent;
import org.apache.camel.spi.CamelEvent.ExchangeEvent;
import org.apache.camel.spi.CamelEvent.ExchangeFailedEvent;
import org.apache.camel.spi.CamelEvent.ExchangeSentEvent;
import org.apache.camel.spi.EventNotifier;
import org.apache.camel.support.ExchangeHelper;

/**
 * camel-micrometer's exchange event notifier ({@code camel_exchange_event_notifier_seconds} by
 * route and endpoint, {@code camel_exchanges_last_timestamp}), without its search of the whole
 * meter registry at the end of every exchange: camel-micrometer looks its last-exchange gauge up by
 * name each time (a twentieth of the CPU of a duplicate record); this one registers it when it
 * starts. And its timers are looked up once per route, endpoint, event and outcome and kept, where
 * camel-micrometer builds their tags (the endpoint's URI cut at its query) and looks them up in the
 * registry at every event: each endpoint an exchange is sent to, and its end. {@link
 * #replace(CamelContext)} puts it in place of the one the starter added ({@code
 * camel.metrics.enable-exchange-event-notifier}), with the same naming, registry and filter.
 */
public class ExchangeTimingNotifier extends MicrometerExchangeEventNotifier {

  /**
   * Endpoints whose timers are kept, at most: a dynamic endpoint ({@code toD}) with a URI of its
   * own per message would otherwise fill the map (its timer, tagged with the URI before its query,
   * is one); past this many the timers are looked up as camel-micrometer does.
   */
  static final int MAX_KEPT_TIMERS = 1_000;

  private final AtomicLong lastExchange = new AtomicLong();
  private final Map<TimerKey, Timer> timers = new ConcurrentHashMap<>();
  private final Map<String, Boolean> kameletRoutes = new ConcurrentHashMap<>();
  private Gauge lastExchangeGauge;

  /**
   * Offered only the events it times (an exchange created, sent to an endpoint, completed, failed)
   * and the sending to an endpoint, without which Camel does not time the sending: it creates the
   * others only for a notifier that does not ignore them, and asks every such notifier whether it
   * wants each, at every step of every exchange.
   */
  public ExchangeTimingNotifier() {
    setIgnoreCamelContextEvents(true);
    setIgnoreCamelContextInitEvents(true);
    setIgnoreRouteEvents(true);
    setIgnoreServiceEvents(true);
    setIgnoreStepEvents(true);
    setIgnoreExchangeRedeliveryEvents(true);
    setIgnoreExchangeAsyncProcessingStartedEvents(true);
  }

  /**
   * Replaces camel-micrometer's notifier among the context's event notifiers, if it has one; to be
   * called before the context starts.
   */
  public static void replace(CamelContext camel) {
    for (EventNotifier notifier : camel.getManagementStrategy().getEventNotifiers()) {
      if (notifier.getClass() == MicrometerExchangeEventNotifier.class) {
        MicrometerExchangeEventNotifier original = (MicrometerExchangeEventNotifier) notifier;
        ExchangeTimingNotifier replacement = new ExchangeTimingNotifier();
        replacement.setCamelContext(camel);
        replacement.setMeterRegistry(original.getMeterRegistry());
        replacement.setNamingStrategy(original.getNamingStrategy());
        replacement.setIgnoreExchanges(original.getIgnoreExchanges());
        camel.getManagementStrategy().removeEventNotifier(original);
        camel.getManagementStrategy().addEventNotifier(replacement);
        return;
      }
    }
  }

  @Override
  protected void doStart() throws Exception {
    super.doStart();
    lastExchangeGauge =
        Gauge.builder(
                MicrometerConstants.CAMEL_EXCHANGE_LAST_TIME_METER_NAME,
                lastExchange,
                AtomicLong::get)
            .description("Last exchange processed time in milliseconds since the Unix epoch")
            .register(getMeterRegistry());
  }

  @Override
  protected void doStop() throws Exception {
    super.doStop();
    timers.clear();
    kameletRoutes.clear();
    if (lastExchangeGauge != null) {
      getMeterRegistry().remove(lastExchangeGauge);
      lastExchangeGauge = null;
    }
  }

  /** Exchange events only, without the generic type check of camel-micrometer's. */
  @Override
  public boolean isEnabled(CamelEvent event) {
    return event instanceof ExchangeEvent;
  }

  /**
   * As camel-micrometer's, which leaves out the exchanges of routes a Kamelet created (its
   * default): here whether a route is one is looked up once per route, not in the context's routes
   * at every event.
   */
  @Override
  public void notify(CamelEvent event) {
    if (!(event instanceof ExchangeEvent exchangeEvent)) {
      return;
    }
    Exchange exchange = exchangeEvent.getExchange();
    String routeId =
        event instanceof ExchangeCreatedEvent
            ? exchange.getFromRouteId()
            : ExchangeHelper.getAtRouteId(exchange);
    if (routeId != null && kameletRoutes.computeIfAbsent(routeId, id -> isKamelet(exchange, id))) {
      return;
    }
    if (getIgnoreExchanges().test(exchange)) {
      return;
    }
    if (event instanceof ExchangeCreatedEvent created) {
      handleCreatedEvent(created);
    } else if (event instanceof ExchangeSentEvent sent) {
      handleSentEvent(sent);
    } else if (event instanceof ExchangeCompletedEvent || event instanceof ExchangeFailedEvent) {
      handleDoneEvent(exchangeEvent);
    }
  }

  private static boolean isKamelet(Exchange exchange, String routeId) {
    Route route = exchange.getContext().getRoute(routeId);
    return route != null && route.isCreatedByKamelet();
  }

  /** As camel-micrometer's: the time taken to send to the endpoint. */
  @Override
  protected void handleSentEvent(ExchangeSentEvent sentEvent) {
    timerOf(sentEvent, sentEvent.getEndpoint(), "Time taken to send message to the endpoint")
        .record(sentEvent.getTimeTaken(), TimeUnit.MILLISECONDS);
  }

  /** As camel-micrometer's, the last exchange's time set on the gauge it registered. */
  @Override
  protected void handleDoneEvent(ExchangeEvent doneEvent) {
    Endpoint from = doneEvent.getExchange().getFromEndpoint();
    String name = getNamingStrategy().getName(doneEvent.getExchange(), from);
    Timer.Sample sample =
        (Timer.Sample) doneEvent.getExchange().removeProperty("eventTimer:" + name);
    if (sample != null) {
      sample.stop(timerOf(doneEvent, from, null));
    }
    lastExchange.set(System.currentTimeMillis());
  }

  private Timer timerOf(ExchangeEvent event, Endpoint endpoint, String description) {
    String name = getNamingStrategy().getName(event.getExchange(), endpoint);
    TimerKey key =
        new TimerKey(
            name,
            event.getClass(),
            event.getExchange().getFromRouteId(),
            endpoint,
            event.getExchange().isFailed());
    Timer timer = timers.get(key);
    if (timer == null) {
      // the registry returns the timer it has for the same name and tags
      timer =
          Timer.builder(name)
              .tags(getNamingStrategy().getTags(event, endpoint))
              .description(description)
              .register(getMeterRegistry());
      if (timers.size() < MAX_KEPT_TIMERS) {
        timers.putIfAbsent(key, timer);
      }
    }
    return timer;
  }

  /**
   * What the naming strategy's name and tags are made of; its hash computed once, as it is looked
   * up at every event (a record's generated methods cost several times as much there).
   */
  private static final class TimerKey {
    private final String name;
    private final Class<?> event;
    private final String routeId;
    private final Endpoint endpoint;
    private final boolean failed;
    private final int hash;

    TimerKey(String name, Class<?> event, String routeId, Endpoint endpoint, boolean failed) {
      this.name = name;
      this.event = event;
      this.routeId = routeId;
      this.endpoint = endpoint;
      this.failed = failed;
      int h = name.hashCode();
      h = 31 * h + event.hashCode();
      h = 31 * h + Objects.hashCode(routeId);
      h = 31 * h + System.identityHashCode(endpoint);
      this.hash = 31 * h + Boolean.hashCode(failed);
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof TimerKey key
          && hash == key.hash
          && failed == key.failed
          && event == key.event
          && endpoint == key.endpoint
          && name.equals(key.name)
          && Objects.equals(routeId, key.routeId);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
