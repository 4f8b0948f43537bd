package dev.usermq.tools;

import java.util.Map;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.SimpleCommandLinePropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * The service's configuration for a command that does not run the service, merged as Spring Boot
 * merges it: {@code application.yaml} and the active profiles' files, environment variables
 * (relaxed: {@code TOPICS_AUTH} for {@code topics.auth}), system properties and {@code
 * --name=value} arguments.
 */
final class ToolEnvironment {

  private ToolEnvironment() {}

  static ConfigurableEnvironment load(String... args) {
    return load(new StandardEnvironment(), args);
  }

  /**
   * The same, with {@code variables} in place of the process's environment variables: how a test
   * gives a command the environment of a pod.
   */
  static ConfigurableEnvironment load(Map<String, Object> variables, String... args) {
    StandardEnvironment environment = new StandardEnvironment();
    environment
        .getPropertySources()
        .replace(
            StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
            new SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables));
    return load(environment, args);
  }

  private static ConfigurableEnvironment load(StandardEnvironment environment, String... args) {
    if (args.length > 0) {
      environment.getPropertySources().addFirst(new SimpleCommandLinePropertySource(args));
    }
    ConfigDataEnvironmentPostProcessor.applyTo(environment);
    ConfigurationPropertySources.attach(environment);
    return environment;
  }
}
