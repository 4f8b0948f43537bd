package dev.usermq.mq;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.Exchange;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.component.micrometer.eventnotifier.MicrometerExchangeEventNotifier;
import org.apache.camel.spi.CamelEvent.ExchangeCreatedEvent;
import org.apache.camel.spi.CamelEvent.ExchangeEvent;

/**
 * Camel's exchange meters ({@code camel_exchange_event_notifier_seconds} by route and endpoint,
 * {@code camel_exchanges_inflight}, {@code camel_exchanges_last_timestamp}), as camel-micrometer's
 * notifier makes them, added by {@link CamelExchangeMetersConfiguration} in its place ({@code
 * camel.metrics.enable-exchange-event-notifier: false}).
 *
 * <p>Why not Camel's own: at the end of every exchange it looks the last-exchange gauge up in the
 * meter registry, a search through every meter of the service (the JVM's, the pools', the Kafka
 * clients': hundreds), which took a fifth of the CPU of a cached gRPC read. This one registers the
 * gauge once and only sets its value; everything else is Camel's.
 */
public class CamelExchangeMeters extends MicrometerExchangeEventNotifier {

  /** The exchange property that carries an exchange's timer from its creation to its end. */
  private static final String SAMPLE = "usermq.exchangeTimer";

  private final AtomicLong lastExchangeMillis = new AtomicLong();

  @Override
  protected void doStart() throws Exception {
    super.doStart();
    Gauge.builder(
            MicrometerConstants.CAMEL_EXCHANGE_LAST_TIME_METER_NAME,
            lastExchangeMillis,
            AtomicLong::get)
        .description("Last exchange processed time in milliseconds since the Unix epoch")
        .register(getMeterRegistry());
  }

  @Override
  protected void handleCreatedEvent(ExchangeCreatedEvent created) {
    created.getExchange().setProperty(SAMPLE, Timer.start(getMeterRegistry()));
  }

  @Override
  protected void handleDoneEvent(ExchangeEvent done) {
    Exchange exchange = done.getExchange();
    if (exchange.removeProperty(SAMPLE) instanceof Timer.Sample sample) {
      String name = getNamingStrategy().getName(exchange, exchange.getFromEndpoint());
      sample.stop(
          getMeterRegistry()
              .timer(name, getNamingStrategy().getTags(done, exchange.getFromEndpoint())));
    }
    lastExchangeMillis.set(System.currentTimeMillis());
  }
}
