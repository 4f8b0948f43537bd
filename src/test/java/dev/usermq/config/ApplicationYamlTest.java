package dev.usermq.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.util.ClassUtils;

/** Settings of application.yaml that the service cannot run without. */
class ApplicationYamlTest {

  @Test
  void theHttpServerKeepsTheJvmRunningAgainstExternalServers() throws Exception {
    // Against external servers (no embedded broker threads) the actuator's HTTP server is what
    // keeps the JVM alive: without it, and without Camel's run controller, the service stopped
    // right after "Started".
    List<PropertySource<?>> yaml =
        new YamlPropertySourceLoader()
            .load("application", new ClassPathResource("application.yaml"));

    assertThat(yaml).isNotEmpty();
    assertThat(ClassUtils.isPresent("org.apache.catalina.startup.Tomcat", null)).isTrue();
    assertThat(yaml.get(0).getProperty("spring.main.web-application-type")).isNull();
    assertThat(yaml.get(0).getProperty("server.port")).isNotEqualTo(-1);
  }
}
