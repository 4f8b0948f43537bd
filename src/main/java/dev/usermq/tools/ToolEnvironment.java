package dev.usermq.tools;

import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.SimpleCommandLinePropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * The service's configuration for a command that does not run the service, merged as Spring Boot
 * merges it: {@code application.yaml} and the active profiles' files, environment variables
 * (relaxed: {@code TOPICS_AUTH} for {@code topics.auth}), system properties and {@code
 * --name=value} arguments.
 */
final class ToolEnvironment {

  private ToolEnvironment() {}

  static ConfigurableEnvironment load(String... args) {
    StandardEnvironment environment = new StandardEnvironment();
    if (args.length > 0) {
      environment.getPropertySources().addFirst(new SimpleCommandLinePropertySource(args));
    }
    ConfigDataEnvironmentPostProcessor.applyTo(environment);
    ConfigurationPropertySources.attach(environment);
    return environment;
  }
}
