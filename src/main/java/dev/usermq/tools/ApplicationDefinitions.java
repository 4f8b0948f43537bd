package dev.usermq.tools;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.annotation.AnnotatedBeanDefinitionReader;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * What the application defines, read without running it: its configuration and the name and type of
 * every bean.
 *
 * <p>The configuration is merged the way Spring Boot merges it: {@code application.yaml} and the
 * active profiles' files, environment variables (relaxed: {@code TOPICS_AUTH} for {@code
 * topics.auth}), system properties and {@code --name=value} arguments.
 *
 * <p>The bean definitions come from Spring's own processing of the application class: component
 * scan, {@code @Bean} methods, auto-configuration and its conditions, Spring Data repositories. The
 * context stops after its bean factory post-processors, so no bean is created: nothing connects to
 * Kafka, MySQL, Redis or authz, no embedded server starts, and a bean's type is read from its
 * definition (its class or its factory method's return type).
 */
final class ApplicationDefinitions {

  private final ConfigurableEnvironment environment;
  private final Map<String, Class<?>> beanTypes;

  private ApplicationDefinitions(ConfigurableEnvironment environment, Map<String, Class<?>> types) {
    this.environment = environment;
    this.beanTypes = Collections.unmodifiableMap(types);
  }

  /**
   * Reads the configuration and bean definitions of {@code application}.
   *
   * @param args {@code --name=value} overrides, as the service's command line takes them
   */
  static ApplicationDefinitions load(Class<?> application, String... args) {
    ConfigurableEnvironment environment = ToolEnvironment.load(args);
    DefinitionsOnlyContext context = new DefinitionsOnlyContext();
    context.setEnvironment(environment);
    // as in SpringApplication: a second definition of a name is an error, not a silent override
    context.setAllowBeanDefinitionOverriding(false);
    new AnnotatedBeanDefinitionReader(context).register(application);
    ConfigurableListableBeanFactory beans = context.loadDefinitions();

    Map<String, Class<?>> types = new TreeMap<>();
    for (String name : beans.getBeanDefinitionNames()) {
      Class<?> type = beans.getType(name, false);
      types.put(name, type == null ? Object.class : type);
      for (String alias : beans.getAliases(name)) {
        types.put(alias, types.get(name));
      }
    }
    for (String name : beans.getSingletonNames()) {
      types.putIfAbsent(name, beans.getSingleton(name).getClass());
    }
    return new ApplicationDefinitions(environment, types);
  }

  ConfigurableEnvironment environment() {
    return environment;
  }

  /** Every bean name (and alias) with its type; {@code Object} where the type is not known. */
  Map<String, Class<?>> beanTypes() {
    return beanTypes;
  }

  Optional<Class<?>> beanType(String name) {
    return Optional.ofNullable(beanTypes.get(name));
  }

  /** An application context that is refreshed only up to its bean definitions. */
  private static final class DefinitionsOnlyContext extends GenericApplicationContext {

    ConfigurableListableBeanFactory loadDefinitions() {
      prepareRefresh();
      ConfigurableListableBeanFactory beans = obtainFreshBeanFactory();
      prepareBeanFactory(beans);
      postProcessBeanFactory(beans);
      invokeBeanFactoryPostProcessors(beans);
      return beans;
    }
  }
}
