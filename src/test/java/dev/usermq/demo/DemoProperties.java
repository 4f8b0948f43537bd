package dev.usermq.demo;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Sample traffic of the local run ({@code mvn spring-boot:test-run
 * -Dspring-boot.run.profiles=demo}).
 *
 * @param enabled publish sample auth messages (the {@code demo} profile sets it)
 * @param rate records per second
 */
@ConfigurationProperties("demo")
public record DemoProperties(boolean enabled, @DefaultValue("20") int rate) {

  public DemoProperties {
    if (rate < 1) {
      throw new IllegalArgumentException("demo.rate must be at least 1, not " + rate);
    }
  }
}
