package dev.usermq;

import dev.usermq.config.RequiredEndpoints;
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
    application().run(args);
  }

  /**
   * The service as a Spring application: it refuses to start, naming what is missing, unless every
   * external endpoint is configured ({@link RequiredEndpoints}). The local run on embedded servers
   * builds on it and adds the servers.
   */
  public static SpringApplicationBuilder application() {
    return new SpringApplicationBuilder(App.class).initializers(new RequiredEndpoints());
  }
}
