package dev.usermq.embedded;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * Live route editing in a local run: when the service runs on embedded servers from a checkout (a
 * {@code routes/} directory in the working directory, as with {@code mvn spring-boot:test-run}), it
 * loads the routes from that directory instead of the copies in the jar, and Camel reloads a route
 * file as soon as it is saved. Only {@link dev.usermq.LocalApp} adds this initializer, after {@link
 * EmbeddedServersInitializer}; production (external endpoints, no {@code routes/} beside the jar)
 * and tests never get it.
 */
public class LocalRoutesInitializer
    implements ApplicationContextInitializer<ConfigurableApplicationContext>, Ordered {

  private static final Logger log = LoggerFactory.getLogger(LocalRoutesInitializer.class);
  private static final String PACKAGED_ROUTES = "classpath:routes/*.camel.yaml";

  private final Path routes;

  public LocalRoutesInitializer() {
    this(Path.of("routes"));
  }

  LocalRoutesInitializer(Path routes) {
    this.routes = routes;
  }

  @Override
  public void initialize(ConfigurableApplicationContext context) {
    ConfigurableEnvironment env = context.getEnvironment();
    boolean localRun =
        env.getPropertySources().contains(EmbeddedServersInitializer.PROPERTY_SOURCE);
    // routes.include-pattern set on purpose (e.g. ROUTES_INCLUDE_PATTERN) is left alone
    boolean packagedRoutes = PACKAGED_ROUTES.equals(env.getProperty("routes.include-pattern"));
    if (!localRun || !packagedRoutes || !Files.isDirectory(routes)) {
      return;
    }
    Path dir = routes.toAbsolutePath().normalize();
    Map<String, Object> properties =
        Map.of(
            "routes.include-pattern",
            "file:" + dir + "/*.camel.yaml",
            "camel.main.routes-reload-enabled",
            true,
            "camel.main.routes-reload-directory",
            dir.toString(),
            "camel.main.routes-reload-pattern",
            "*.camel.yaml",
            // replace the routes of the changed file only: removing every route would also drop
            // the Java ones (demo traffic), which no file can bring back
            "camel.main.routes-reload-remove-all-routes",
            false);
    // below system properties and environment variables, so that either can still turn it off
    env.getPropertySources()
        .addAfter(
            StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
            new MapPropertySource("localRoutes", properties));
    log.info("Routes from {}, reloaded when a file there changes", dir);
  }

  /** Runs after the embedded servers, whose property source it looks for. */
  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE + 20;
  }
}
