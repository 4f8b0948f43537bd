package dev.usermq;

import dev.usermq.embedded.EmbeddedServersInitializer;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The user-mq service: Camel YAML routes over the shared repository layer. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class App {

  public static void main(String[] args) {
    // Endpoints left unconfigured are served by embedded servers, so that the service runs on a
    // bare machine; tests build their contexts without this initializer or add it explicitly.
    new SpringApplicationBuilder(App.class)
        .initializers(new EmbeddedServersInitializer())
        .run(args);
  }
}
