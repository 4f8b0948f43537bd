package dev.usermq.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;

/** Settings of application.yaml that the service cannot run without. */
class ApplicationYamlTest {

  @Test
  void camelKeepsTheJvmRunningAgainstExternalServers() throws Exception {
    // Without a web server and without the embedded broker's threads (every endpoint set, as in
    // production), nothing else keeps the JVM alive: the service stopped right after "Started".
    List<PropertySource<?>> yaml =
        new YamlPropertySourceLoader()
            .load("application", new ClassPathResource("application.yaml"));

    assertThat(yaml).isNotEmpty();
    assertThat(yaml.get(0).getProperty("camel.main.run-controller")).isEqualTo(true);
  }
}
