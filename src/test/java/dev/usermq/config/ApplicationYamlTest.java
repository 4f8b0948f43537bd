package dev.usermq.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.util.ClassUtils;

/** Settings of application.yaml that the service cannot run without, or would silently lose. */
class ApplicationYamlTest {

  @Test
  void everyExcludedAutoConfigurationIsOneOnTheClasspath() throws Exception {
    // Spring ignores an excluded name that is not on the classpath: a typo, or a class renamed
    // by an upgrade, would bring the auto-configuration back at every start without a word
    List<String> excluded =
        new Binder(ConfigurationPropertySources.from(application()))
            .bind("spring.autoconfigure.exclude", Bindable.listOf(String.class))
            .orElse(List.of());
    List<String> candidates = new ArrayList<>();
    ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader())
        .forEach(candidates::add);

    assertThat(excluded)
        .contains("org.springframework.boot.autoconfigure.gson.GsonAutoConfiguration")
        .allSatisfy(name -> assertThat(ClassUtils.isPresent(name, null)).as(name).isTrue())
        .allSatisfy(name -> assertThat(candidates).as(name).contains(name));
  }

  @Test
  void theHttpServerKeepsTheJvmRunningAgainstExternalServers() throws Exception {
    // Against external servers (no embedded broker threads) the actuator's HTTP server is what
    // keeps the JVM alive: without it, and without Camel's run controller, the service stopped
    // right after "Started".
    PropertySource<?> yaml = application();

    assertThat(ClassUtils.isPresent("org.apache.catalina.startup.Tomcat", null)).isTrue();
    assertThat(yaml.getProperty("spring.main.web-application-type")).isNull();
    assertThat(yaml.getProperty("server.port")).isNotEqualTo(-1);
  }

  private static PropertySource<?> application() throws Exception {
    List<PropertySource<?>> yaml =
        new YamlPropertySourceLoader()
            .load("application", new ClassPathResource("application.yaml"));
    assertThat(yaml).isNotEmpty();
    return yaml.get(0);
  }
}
