package dev.usermq;

import dev.usermq.embedded.EmbeddedServersInitializer;
import dev.usermq.embedded.LocalRoutesInitializer;
import dev.usermq.tools.DlqRedrive;
import dev.usermq.tools.RouteValidator;
import java.util.Arrays;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The user-mq service: Camel YAML routes over the shared repository layer. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class App {

  public static void main(String[] args) {
    if (args.length > 0 && RouteValidator.COMMAND.equals(args[0])) {
      // a check for ops and CI: reads the routes and the configuration, starts nothing
      String[] rest = Arrays.copyOfRange(args, 1, args.length);
      System.exit(RouteValidator.run(App.class, rest, System.out));
    }
    if (args.length > 0 && DlqRedrive.COMMAND.equals(args[0])) {
      // replays chosen dead letters to their source topic, each once
      System.exit(DlqRedrive.run(Arrays.copyOfRange(args, 1, args.length), System.out));
    }
    // Endpoints left unconfigured are served by embedded servers, so that the service runs on a
    // bare machine; tests build their contexts without this initializer or add it explicitly.
    // Such a local run from a checkout also reloads a file of routes/ when it is edited.
    new SpringApplicationBuilder(App.class)
        .initializers(new EmbeddedServersInitializer(), new LocalRoutesInitializer())
        .run(args);
  }
}
