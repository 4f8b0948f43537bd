package dev.usermq.mq;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.CamelContext;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.component.micrometer.eventnotifier.MicrometerExchangeEventNotifier;
import org.apache.camel.spi.CamelEvent.ExchangeEvent;
import org.apache.camel.spi.EventNotifier;

/**
 * camel-micrometer's exchange event notifier ({@code camel_exchange_event_notifier_seconds} by
 * route and endpoint, {@code camel_exchanges_last_timestamp}), without its search of the whole
 * meter registry at the end of every exchange: camel-micrometer looks its last-exchange gauge up by
 * name each time (a twentieth of the CPU of a duplicate record); this one registers it when it
 * starts. {@link #replace(CamelContext)} puts it in place of the one the starter added ({@code
 * camel.metrics.enable-exchange-event-notifier}), with the same naming, registry and filter.
 */
public class ExchangeTimingNotifier extends MicrometerExchangeEventNotifier {

  private final AtomicLong lastExchange = new AtomicLong();
  private Gauge lastExchangeGauge;

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
    if (lastExchangeGauge != null) {
      getMeterRegistry().remove(lastExchangeGauge);
      lastExchangeGauge = null;
    }
  }

  /** As camel-micrometer's, the last exchange's time set on the gauge it registered. */
  @Override
  protected void handleDoneEvent(ExchangeEvent doneEvent) {
    String name =
        getNamingStrategy()
            .getName(doneEvent.getExchange(), doneEvent.getExchange().getFromEndpoint());
    Tags tags = getNamingStrategy().getTags(doneEvent, doneEvent.getExchange().getFromEndpoint());
    Timer.Sample sample =
        (Timer.Sample) doneEvent.getExchange().removeProperty("eventTimer:" + name);
    if (sample != null) {
      sample.stop(getMeterRegistry().timer(name, tags));
    }
    lastExchange.set(System.currentTimeMillis());
  }
}
