package dev.usermq.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

class LocalRoutesInitializerTest {

  @TempDir Path checkout;

  @Test
  void localRunFromACheckoutLoadsAndReloadsTheRoutesDirectory() throws Exception {
    Path routes = Files.createDirectory(checkout.resolve("routes"));
    GenericApplicationContext context = context(true, "classpath:routes/*.camel.yaml");

    new LocalRoutesInitializer(routes).initialize(context);

    ConfigurableEnvironment env = context.getEnvironment();
    assertThat(env.getProperty("routes.include-pattern"))
        .isEqualTo("file:" + routes.toAbsolutePath() + "/*.camel.yaml");
    assertThat(env.getProperty("camel.main.routes-reload-enabled")).isEqualTo("true");
    assertThat(env.getProperty("camel.main.routes-reload-directory"))
        .isEqualTo(routes.toAbsolutePath().toString());
    assertThat(env.getProperty("camel.main.routes-reload-remove-all-routes")).isEqualTo("false");
  }

  @Test
  void withoutEmbeddedServersNothingChanges() throws Exception {
    Path routes = Files.createDirectory(checkout.resolve("routes"));
    GenericApplicationContext context = context(false, "classpath:routes/*.camel.yaml");

    new LocalRoutesInitializer(routes).initialize(context);

    assertThat(context.getEnvironment().getProperty("camel.main.routes-reload-enabled")).isNull();
  }

  @Test
  void routesSetOnPurposeOrNoRoutesDirectoryChangeNothing() throws Exception {
    GenericApplicationContext noDirectory = context(true, "classpath:routes/*.camel.yaml");
    new LocalRoutesInitializer(checkout.resolve("routes")).initialize(noDirectory);
    assertThat(noDirectory.getEnvironment().getProperty("camel.main.routes-reload-enabled"))
        .isNull();

    Path routes = Files.createDirectory(checkout.resolve("routes"));
    GenericApplicationContext chosen = context(true, "file:/etc/user-mq/routes/*.camel.yaml");
    new LocalRoutesInitializer(routes).initialize(chosen);
    assertThat(chosen.getEnvironment().getProperty("routes.include-pattern"))
        .isEqualTo("file:/etc/user-mq/routes/*.camel.yaml");
    assertThat(chosen.getEnvironment().getProperty("camel.main.routes-reload-enabled")).isNull();
  }

  private static GenericApplicationContext context(boolean embedded, String routesPattern) {
    GenericApplicationContext context = new GenericApplicationContext();
    ConfigurableEnvironment env = context.getEnvironment();
    env.getPropertySources()
        .addLast(
            new MapPropertySource("application", Map.of("routes.include-pattern", routesPattern)));
    if (embedded) {
      env.getPropertySources()
          .addFirst(
              new MapPropertySource(
                  EmbeddedServersInitializer.PROPERTY_SOURCE, Map.of("kafka.brokers", "x:1")));
    }
    return context;
  }
}
