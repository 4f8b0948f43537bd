package dev.usermq.config;

import java.lang.reflect.Constructor;
import java.lang.reflect.Parameter;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.context.config.ConfigData;
import org.springframework.boot.context.config.ConfigDataLoader;
import org.springframework.boot.context.config.ConfigDataLoaderContext;
import org.springframework.boot.context.config.ConfigDataLocation;
import org.springframework.boot.context.config.ConfigDataLocationResolver;
import org.springframework.boot.context.config.ConfigDataLocationResolverContext;
import org.springframework.boot.context.config.ConfigDataResource;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.bind.Name;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.util.ClassUtils;

/**
 * The defaults of the {@code @ConfigurationProperties} records of this package as configuration
 * data, imported by application.yaml ({@code spring.config.import: "usermq-defaults:"}).
 *
 * <p>The records' {@code @DefaultValue}s are the one place of each default. The typed beans get
 * them by binding; the import gives them to whatever reads the environment by name instead: the
 * {@code {{placeholders}}} of the YAML routes (Camel resolves them from Spring's environment), the
 * {@code ${placeholders}} of application.yaml, {@code @ConditionalOnProperty}, and the commands
 * that read the configuration without running the service (validate-routes, dlq-redrive).
 *
 * <p>As an import of application.yaml the defaults rank just above it, below the profiles' files,
 * further files, environment variables, system properties and arguments. application.yaml carries
 * none of these properties itself (a test keeps it so).
 */
public final class ConfigurationDefaults {

  /** The import location of application.yaml. */
  public static final String LOCATION = "usermq-defaults:";

  private static final String PACKAGE = ConfigurationDefaults.class.getPackageName();

  private ConfigurationDefaults() {}

  /** Resolves the {@value #LOCATION} import. */
  public static final class Resolver implements ConfigDataLocationResolver<Defaults> {

    private final ClassLoader classLoader;

    public Resolver(ResourceLoader resourceLoader) {
      this.classLoader = resourceLoader.getClassLoader();
    }

    @Override
    public boolean isResolvable(
        ConfigDataLocationResolverContext context, ConfigDataLocation location) {
      return location.hasPrefix(LOCATION);
    }

    @Override
    public List<Defaults> resolve(
        ConfigDataLocationResolverContext context, ConfigDataLocation location) {
      return List.of(new Defaults(classLoader));
    }
  }

  /** Loads the defaults as one property source. */
  public static final class Loader implements ConfigDataLoader<Defaults> {

    @Override
    public ConfigData load(ConfigDataLoaderContext context, Defaults resource) {
      return new ConfigData(
          List.of(new MapPropertySource(resource.toString(), defaults(resource.classLoader))));
    }
  }

  /** The records' defaults, found with the given class loader. */
  public static final class Defaults extends ConfigDataResource {

    private final ClassLoader classLoader;

    Defaults(ClassLoader classLoader) {
      this.classLoader = classLoader;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Defaults defaults && defaults.classLoader == classLoader;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(classLoader);
    }

    @Override
    public String toString() {
      return "defaults of the @ConfigurationProperties records of " + PACKAGE;
    }
  }

  /** The default of every property of this package's records that has one, by property name. */
  static Map<String, Object> defaults(ClassLoader classLoader) {
    ClassLoader loader = classLoader != null ? classLoader : ClassUtils.getDefaultClassLoader();
    ClassPathScanningCandidateComponentProvider scanner =
        new ClassPathScanningCandidateComponentProvider(false);
    scanner.addIncludeFilter(new AnnotationTypeFilter(ConfigurationProperties.class));
    scanner.setResourceLoader(new DefaultResourceLoader(loader));
    Map<String, Object> defaults = new TreeMap<>();
    for (BeanDefinition candidate : scanner.findCandidateComponents(PACKAGE)) {
      Class<?> type = ClassUtils.resolveClassName(candidate.getBeanClassName(), loader);
      ConfigurationProperties annotation = type.getAnnotation(ConfigurationProperties.class);
      String prefix = annotation.prefix().isEmpty() ? annotation.value() : annotation.prefix();
      collect(prefix, type, defaults);
    }
    return defaults;
  }

  /**
   * The {@code @DefaultValue}s of a record, nested records included. A class that is no record
   * keeps its defaults in field initializers, which only binding sees: it adds none here
   * (ConfigurationDefaultsTest compares these defaults with those of the metadata).
   */
  private static void collect(String prefix, Class<?> type, Map<String, Object> into) {
    if (!type.isRecord()) {
      return;
    }
    RecordComponent[] components = type.getRecordComponents();
    Parameter[] parameters = canonicalConstructor(type, components).getParameters();
    for (int i = 0; i < components.length; i++) {
      // @Name renames a property whose Java name cannot be its own (retry.transient)
      Name renamed = parameters[i].getAnnotation(Name.class);
      String name =
          prefix + "." + (renamed != null ? renamed.value() : kebab(components[i].getName()));
      if (components[i].getType().isRecord()) {
        collect(name, components[i].getType(), into);
        continue;
      }
      DefaultValue value = parameters[i].getAnnotation(DefaultValue.class);
      if (value != null && value.value().length > 0) {
        into.put(name, String.join(",", value.value()));
      }
    }
  }

  private static Constructor<?> canonicalConstructor(Class<?> type, RecordComponent[] components) {
    try {
      return type.getDeclaredConstructor(
          Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new));
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException(type.getName() + " has no canonical constructor", e);
    }
  }

  /** {@code maxPollRecords} → {@code max-poll-records}, as the properties are written. */
  static String kebab(String camelCase) {
    return camelCase.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
  }
}
