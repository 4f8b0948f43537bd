package dev.usermq.mq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

import dev.usermq.grpc.SharedPortGrpcEndpoint;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.UnitOfWork;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.Mockito;
import org.slf4j.MDC;

class LogContextUnitOfWorkFactoryTest {

  private final DefaultCamelContext camel = new DefaultCamelContext();
  private final LogContextUnitOfWorkFactory factory = new LogContextUnitOfWorkFactory();

  @BeforeEach
  void mdcLogging() {
    camel.setUseMDCLogging(true);
    camel.setMDCLoggingKeysPattern("messageId");
    factory.afterPropertiesConfigured(camel);
  }

  @AfterEach
  void clearMdc() {
    MDC.clear();
  }

  @Test
  void aGrpcCallsExchangeLeavesTheMdcAlone() {
    UnitOfWork call = factory.createUnitOfWork(from(mock(SharedPortGrpcEndpoint.class)));

    assertThat(call).isNotInstanceOf(LogContextUnitOfWork.class);
    assertThat(MDC.getCopyOfContextMap()).isNullOrEmpty();
  }

  @Test
  void aRecordsKeysAreInTheMdcWhileItIsProcessedAndGoneWhenItIsDone() {
    Exchange exchange = from(camel.getEndpoint("direct:records"));
    UnitOfWork record = factory.createUnitOfWork(exchange);
    exchange.getExchangeExtension().setUnitOfWork(record);
    assertThat(MDC.get("camel.exchangeId")).isEqualTo(exchange.getExchangeId());
    assertThat(MDC.get("camel.messageId")).isEqualTo(exchange.getMessage().getMessageId());

    record.pushRoute(route("auth-msg-consumer"));
    assertThat(MDC.get("camel.routeId")).isEqualTo("auth-msg-consumer");
    record.pushRoute(route("dead-letter"));
    assertThat(MDC.get("camel.routeId")).isEqualTo("dead-letter");
    record.popRoute();
    assertThat(MDC.get("camel.routeId")).isEqualTo("auth-msg-consumer");
    // what the route puts there itself, by the keys pattern
    MDC.put("messageId", "m-1");
    MDC.put("traceId", "t-1");

    record.done(exchange);

    assertThat(MDC.getCopyOfContextMap()).containsOnlyKeys("traceId");
  }

  @Test
  void anExchangeMadeWhileAnotherIsProcessedGivesTheOthersKeysBack() {
    Exchange outer = from(camel.getEndpoint("direct:records"));
    UnitOfWork outerWork = factory.createUnitOfWork(outer);
    outerWork.pushRoute(route("auth-msg-batch-consumer"));
    MDC.put("messageId", "m-1");

    Exchange inner = from(camel.getEndpoint("direct:dead-letter"));
    inner.setProperty(Exchange.CORRELATION_ID, outer.getExchangeId());
    UnitOfWork innerWork = factory.createUnitOfWork(inner);
    innerWork.pushRoute(route("dead-letter"));
    assertThat(MDC.get("camel.exchangeId")).isEqualTo(inner.getExchangeId());
    assertThat(MDC.get("camel.correlationId")).isEqualTo(outer.getExchangeId());
    innerWork.done(inner);

    assertThat(MDC.get("camel.exchangeId")).isEqualTo(outer.getExchangeId());
    assertThat(MDC.get("camel.routeId")).isEqualTo("auth-msg-batch-consumer");
    assertThat(MDC.get("camel.correlationId")).isNull();
    assertThat(MDC.get("messageId")).as("the outer exchange's, kept for it").isEqualTo("m-1");
  }

  @Test
  void withoutMdcLoggingNoExchangeTouchesTheMdc() {
    camel.setUseMDCLogging(false);
    factory.afterPropertiesConfigured(camel);

    UnitOfWork record = factory.createUnitOfWork(from(camel.getEndpoint("direct:records")));

    assertThat(record).isNotInstanceOf(LogContextUnitOfWork.class);
    assertThat(MDC.getCopyOfContextMap()).isNullOrEmpty();
  }

  @Test
  void theKeysPatternMatchesAsCamelMatchesIt() {
    assertThat(LogContextUnitOfWorkFactory.keysMatching("messageId"))
        .accepts("messageId", "MESSAGEID")
        .rejects("camel.messageId", "traceId");
    assertThat(LogContextUnitOfWorkFactory.keysMatching("tenant*,traceId"))
        .accepts("tenant", "Tenant.id", "traceId")
        .rejects("spanId");
    assertThat(LogContextUnitOfWorkFactory.keysMatching("user\\..+"))
        .accepts("user.id")
        .rejects("user");
    assertThat(LogContextUnitOfWorkFactory.keysMatching("*")).accepts("anything");
    assertThat(LogContextUnitOfWorkFactory.keysMatching(null)).rejects("messageId");
  }

  private static Route route(String id) {
    Route route = Mockito.mock(Route.class);
    Mockito.when(route.getRouteId()).thenReturn(id);
    return route;
  }

  private Exchange from(Endpoint endpoint) {
    Exchange exchange = new DefaultExchange(camel);
    exchange.getExchangeExtension().setFromEndpoint(endpoint);
    return exchange;
  }
}
