package dev.usermq.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.impl.engine.MDCUnitOfWork;
import org.apache.camel.spi.UnitOfWork;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class GrpcCallUnitOfWorkFactoryTest {

  private final DefaultCamelContext camel = new DefaultCamelContext();
  private final GrpcCallUnitOfWorkFactory factory = new GrpcCallUnitOfWorkFactory();

  @AfterEach
  void clearMdc() {
    MDC.clear();
  }

  @Test
  void aGrpcCallsExchangeLeavesTheMdcAloneAndAnyOtherGetsCamelsMdcUnitOfWork() {
    camel.setUseMDCLogging(true);
    camel.setMDCLoggingKeysPattern("messageId");
    factory.afterPropertiesConfigured(camel);

    UnitOfWork call = factory.createUnitOfWork(from(mock(SharedPortGrpcEndpoint.class)));
    assertThat(call).isNotInstanceOf(MDCUnitOfWork.class);
    assertThat(MDC.getCopyOfContextMap()).isNullOrEmpty();

    UnitOfWork record = factory.createUnitOfWork(from(camel.getEndpoint("direct:records")));
    assertThat(record).isInstanceOf(MDCUnitOfWork.class);
    assertThat(MDC.get("camel.exchangeId")).isNotNull();
  }

  private Exchange from(org.apache.camel.Endpoint endpoint) {
    Exchange exchange = new DefaultExchange(camel);
    exchange.getExchangeExtension().setFromEndpoint(endpoint);
    return exchange;
  }
}
