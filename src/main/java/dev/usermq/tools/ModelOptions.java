package dev.usermq.tools;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.camel.catalog.impl.DefaultRuntimeCamelCatalog;
import org.apache.camel.tooling.model.BaseOptionModel;
import org.apache.camel.tooling.model.EipModel;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * The options of every Camel model class, as Camel's catalog describes them ({@code
 * META-INF/org/apache/camel/model/**.json} in camel-core-model, read through the runtime catalog):
 * which Java type an option takes, so that an option naming a bean can be checked against the type
 * the runtime will look the bean up as.
 */
final class ModelOptions {

  private static final String MODEL_JSON = "META-INF/org/apache/camel/model/";

  /** Per model class name: option name to the option's Java type. */
  private final Map<String, Map<String, String>> optionTypes = new HashMap<>();

  private ModelOptions() {}

  /** Reads every model the catalog on the classpath knows. */
  static ModelOptions load(DefaultRuntimeCamelCatalog catalog) {
    ModelOptions options = new ModelOptions();
    Resource[] resources;
    try {
      resources =
          new PathMatchingResourcePatternResolver(ModelOptions.class.getClassLoader())
              .getResources("classpath*:" + MODEL_JSON + "**/*.json");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (Resource resource : resources) {
      String url;
      try {
        url = resource.getURL().toString();
      } catch (IOException e) {
        continue;
      }
      int at = url.lastIndexOf(MODEL_JSON);
      String name = url.substring(at + MODEL_JSON.length(), url.length() - ".json".length());
      EipModel model;
      try {
        model = catalog.eipModel(name);
      } catch (RuntimeException e) {
        continue; // not a model description
      }
      if (model == null || model.getJavaType() == null) {
        continue;
      }
      Map<String, String> types = new HashMap<>();
      for (BaseOptionModel option : model.getOptions()) {
        types.put(option.getName(), option.getJavaType());
      }
      options.optionTypes.putIfAbsent(model.getJavaType(), types);
    }
    return options;
  }

  /**
   * The Java type of an option of a model class, as the catalog gives it, or null when the catalog
   * does not describe the class or the option.
   */
  String javaType(Class<?> modelClass, String option) {
    for (Class<?> type = modelClass; type != null; type = type.getSuperclass()) {
      Map<String, String> types = optionTypes.get(type.getName());
      if (types != null && types.containsKey(option)) {
        return types.get(option);
      }
    }
    return null;
  }
}
