package dev.usermq.tools;

import org.apache.camel.spi.PropertiesSource;
import org.springframework.core.env.Environment;

/**
 * Resolves Camel's {@code {{name}}} placeholders from the application's Spring configuration, as
 * camel-spring-boot does when the service runs.
 */
record EnvironmentPropertiesSource(Environment environment) implements PropertiesSource {

  @Override
  public String getName() {
    return "application configuration";
  }

  @Override
  public String getProperty(String name) {
    return environment.getProperty(name);
  }
}
