package dev.usermq.mq;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.UnitOfWorkFactory;
import org.springframework.context.annotation.Configuration;

/**
 * Gives Camel the {@link LogContextUnitOfWorkFactory} as soon as its context exists: each route
 * takes the factory it finds when it is created, which is before the application's start callbacks
 * run.
 */
@Configuration(proxyBeanMethods = false)
public class LogContextUnitOfWorkConfiguration {

  public LogContextUnitOfWorkConfiguration(CamelContext camel) {
    camel
        .getCamelContextExtension()
        .addContextPlugin(UnitOfWorkFactory.class, new LogContextUnitOfWorkFactory());
  }
}
