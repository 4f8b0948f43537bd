package dev.usermq.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;

/**
 * The defaults of the configuration records reach the environment through application.yaml's
 * import, for what reads a property by name: the routes' {@code {{placeholders}}} and the {@code
 * ${placeholders}} of application.yaml. The environment here is built as the commands that do not
 * run the service build theirs.
 */
class ConfigurationDefaultsTest {

  /** Endpoints with no default: set, or supplied by the embedded servers of a local run. */
  private static final Set<String> ENDPOINTS = Set.of("kafka.brokers", "authz.target");

  @Test
  void defaultsAreThoseOfTheRecords() {
    Map<String, Object> defaults = ConfigurationDefaults.defaults(getClass().getClassLoader());

    assertThat(defaults)
        .containsEntry("topics.auth", "user.auth")
        .containsEntry("consumer.concurrency", "4")
        .containsEntry("consumer.pause.dependencies", "db,redis,authz,kafka")
        .containsEntry("outbox.relay-interval", "30s")
        .containsEntry("routes.include-pattern", "classpath:routes/*.camel.yaml")
        .containsEntry("tracing.enabled", "false")
        .doesNotContainKeys(ENDPOINTS.toArray(String[]::new));
    // one default for each property of the metadata that has one
    assertThat(defaults.keySet())
        .isEqualTo(
            ConfigurationMetadata.load().project().values().stream()
                .filter(p -> p.defaultValue() != null)
                .map(ConfigurationMetadata.Property::name)
                .collect(Collectors.toSet()));
  }

  @Test
  void everyPlaceholderOfTheRoutesAndOfApplicationYamlResolves() throws IOException {
    StandardEnvironment environment = serviceEnvironment();

    Set<String> placeholders = new TreeSet<>();
    try (Stream<Path> files = Files.list(Path.of("routes"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".camel.yaml")).toList()) {
        placeholders.addAll(names(Pattern.compile("\\{\\{([^}:?]+)}}"), Files.readString(file)));
      }
    }
    assertThat(placeholders).contains("consumer.concurrency", "stats.log-interval");
    placeholders.addAll(
        names(
            Pattern.compile("\\$\\{([^}:]+)}"),
            Files.readString(Path.of("src/main/resources/application.yaml"))));
    assertThat(placeholders).contains("tracing.enabled", "routes.include-pattern");

    placeholders.removeAll(ENDPOINTS);
    assertThat(placeholders)
        .allSatisfy(name -> assertThat(environment.getProperty(name)).as(name).isNotNull());
    assertThat(environment.getProperty("camel.main.routes-include-pattern"))
        .isEqualTo("classpath:routes/*.camel.yaml");
  }

  @Test
  void anySetValueOutranksTheDefault() {
    StandardEnvironment environment = serviceEnvironment();
    environment
        .getPropertySources()
        .addFirst(new MapPropertySource("set", Map.of("consumer.concurrency", "3")));

    assertThat(environment.getProperty("consumer.concurrency")).isEqualTo("3");
    assertThat(environment.getProperty("consumer.max-poll-records")).isEqualTo("100");
  }

  @Test
  void aProfileFileOutranksTheDefault() {
    StandardEnvironment environment = new StandardEnvironment();
    environment.setActiveProfiles("demo");
    ConfigDataEnvironmentPostProcessor.applyTo(environment);

    assertThat(environment.getProperty("stats.log-interval")).isEqualTo("5s");
    assertThat(environment.getProperty("outbox.relay-interval")).isEqualTo("30s");
  }

  @Test
  void applicationYamlCarriesNoCopyOfADefault() throws IOException {
    Set<String> keys = new TreeSet<>();
    for (PropertySource<?> yaml :
        new YamlPropertySourceLoader()
            .load("application.yaml", new ClassPathResource("application.yaml"))) {
      keys.addAll(Arrays.asList(((EnumerablePropertySource<?>) yaml).getPropertyNames()));
    }
    assertThat(keys).contains("spring.config.import", "camel.main.name");

    assertThat(keys)
        .doesNotContainAnyElementsOf(
            ConfigurationDefaults.defaults(getClass().getClassLoader()).keySet());
  }

  /** The service's configuration files with the defaults they import, as the service reads them. */
  private static StandardEnvironment serviceEnvironment() {
    StandardEnvironment environment = new StandardEnvironment();
    ConfigDataEnvironmentPostProcessor.applyTo(environment);
    return environment;
  }

  private static Set<String> names(Pattern placeholder, String text) {
    Set<String> names = new TreeSet<>();
    Matcher matcher = placeholder.matcher(text);
    while (matcher.find()) {
      names.add(matcher.group(1));
    }
    return names;
  }
}
