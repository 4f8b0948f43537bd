package dev.usermq.config;

import java.util.List;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/**
 * Stops the service before it starts anything when an external endpoint is not configured: the
 * Kafka brokers, the database, Redis or the authz service. A service without one of them cannot do
 * its work, and one that came up anyway would report ready while it does nothing useful. The
 * failure names every missing setting at once, with its environment variable ({@link
 * MissingEndpointsFailureAnalyzer}).
 *
 * <p>It runs last among the initializers, so that one which supplies endpoints (the local run's
 * embedded servers) comes first.
 */
public class RequiredEndpoints
    implements ApplicationContextInitializer<ConfigurableApplicationContext>, Ordered {

  /** An endpoint setting, with the properties any one of which configures it. */
  public record Endpoint(String what, List<String> properties) {

    /** The property named in messages, the first of {@link #properties()}. */
    public String property() {
      return properties.get(0);
    }

    /** The environment variable of {@link #property()} (Spring's relaxed binding). */
    public String environmentVariable() {
      return property().replace('.', '_').replace("-", "").toUpperCase(java.util.Locale.ROOT);
    }

    boolean isSetIn(Environment env) {
      return properties.stream().map(env::getProperty).anyMatch(v -> v != null && !v.isBlank());
    }
  }

  /** Every endpoint the service needs, in the order the failure lists them. */
  public static final List<Endpoint> ENDPOINTS =
      List.of(
          new Endpoint("Kafka bootstrap servers", List.of("kafka.brokers")),
          new Endpoint("JDBC URL of the MySQL database", List.of("spring.datasource.url")),
          new Endpoint(
              "Redis server host", List.of("spring.data.redis.host", "spring.data.redis.url")),
          new Endpoint("host:port of the authz service", List.of("authz.target")));

  /** The endpoints of {@link #ENDPOINTS} that {@code env} leaves unset or blank. */
  public static List<Endpoint> missingIn(Environment env) {
    return ENDPOINTS.stream().filter(e -> !e.isSetIn(env)).toList();
  }

  @Override
  public void initialize(ConfigurableApplicationContext context) {
    List<Endpoint> missing = missingIn(context.getEnvironment());
    if (!missing.isEmpty()) {
      throw new MissingEndpointsException(missing);
    }
  }

  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE;
  }

  /** Thrown by {@link RequiredEndpoints} with the endpoints that are not configured. */
  public static class MissingEndpointsException extends IllegalStateException {

    private final transient List<Endpoint> missing;

    MissingEndpointsException(List<Endpoint> missing) {
      super(
          "Endpoints not configured: "
              + String.join(", ", missing.stream().map(Endpoint::environmentVariable).toList()));
      this.missing = List.copyOf(missing);
    }

    /** The endpoints that are not configured. */
    public List<Endpoint> missing() {
      return missing;
    }
  }
}
