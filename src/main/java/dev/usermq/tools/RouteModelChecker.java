package dev.usermq.tools;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.CamelContext;
import org.apache.camel.LineNumberAware;
import org.apache.camel.Processor;
import org.apache.camel.catalog.EndpointValidationResult;
import org.apache.camel.catalog.impl.DefaultRuntimeCamelCatalog;
import org.apache.camel.component.bean.BeanInfo;
import org.apache.camel.model.BeanDefinition;
import org.apache.camel.model.DataFormatDefinition;
import org.apache.camel.model.FromDefinition;
import org.apache.camel.model.LogDefinition;
import org.apache.camel.model.OnExceptionDefinition;
import org.apache.camel.model.ProcessDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.SendDefinition;
import org.apache.camel.model.ToDynamicDefinition;
import org.apache.camel.model.language.MethodCallExpression;
import org.apache.camel.model.language.SimpleExpression;

/**
 * Checks loaded route definitions against the application: every endpoint URI (component on the
 * classpath, options known and well typed for a consumer or a producer, then created the way the
 * runtime creates it, without starting it), every bean reference (name, type, method and number of
 * explicit parameters), every class name, the syntax of Simple expressions, and across files the
 * {@code direct:} endpoints and route configurations that routes use, and unique route ids.
 *
 * <p>Definitions are walked through the public getters of the Camel model classes, so a reference
 * is found wherever the DSL allows it; which string options name a bean, and of which type, comes
 * from Camel's catalog ({@link ModelOptions}). A problem is reported at the line of the nearest
 * definition that knows its line, moved to the line where the offending word is written.
 */
final class RouteModelChecker {

  private static final String MODEL_PACKAGE = "org.apache.camel.model.";

  /** A Simple expression in a dynamic URI ({@code toD}). */
  private static final Pattern DYNAMIC_PART = Pattern.compile("\\$(simple)?\\{[^}]*}");

  /** Options named like a reference that are not bean names. */
  private static final Set<String> NOT_BEAN_REFS =
      Set.of("routeTemplateRef", "configurationRef", "executorServiceRef");

  /** Getters that lead back up the tree, or out of the model. */
  private static final Set<String> NOT_CHILDREN = Set.of("getParent", "getClass");

  /** Data format options that name a class. */
  private static final Set<String> CLASS_NAME_OPTIONS =
      Set.of(
          "instanceClass",
          "instanceClassName",
          "unmarshalTypeName",
          "collectionTypeName",
          "jsonViewTypeName");

  private enum Role {
    CONSUMER,
    PRODUCER,
    /** a producer whose URI is computed per message ({@code toD}) */
    DYNAMIC
  }

  /** A place in a route file. */
  private record Site(RouteFile file, int line) {}

  private record Use(String name, Site site) {}

  private final CamelContext context;
  private final ApplicationDefinitions application;
  private final DefaultRuntimeCamelCatalog catalog;
  private final ModelOptions modelOptions;
  private final Map<String, RouteFile> filesByLocation;
  private final List<Problem> problems;

  private final Set<Object> visited = Collections.newSetFromMap(new IdentityHashMap<>());
  private final Map<Class<?>, List<Method>> gettersByClass = new HashMap<>();
  private final Set<String> directConsumers = new HashSet<>();
  private final List<Use> directProducers = new ArrayList<>();
  private final Set<String> routeConfigurations = new HashSet<>();
  private final List<Use> routeConfigurationUses = new ArrayList<>();
  private final Map<String, Site> routeIds = new HashMap<>();

  RouteModelChecker(
      CamelContext context,
      ApplicationDefinitions application,
      DefaultRuntimeCamelCatalog catalog,
      Map<String, RouteFile> filesByLocation,
      List<Problem> problems) {
    this.context = context;
    this.application = application;
    this.catalog = catalog;
    this.modelOptions = ModelOptions.load(catalog);
    this.filesByLocation = filesByLocation;
    this.problems = problems;
  }

  /** Records a route configuration id that routes may name. */
  void addRouteConfiguration(String id) {
    if (id != null) {
      routeConfigurations.add(id);
    }
  }

  /** Checks a top-level definition (route, route configuration) loaded from {@code file}. */
  void check(Object definition, RouteFile file) {
    walk(definition, new Site(file, 0));
  }

  /**
   * Checks what needs every file: each {@code direct:} endpoint sent to has a consumer, each route
   * configuration named exists. Skipped when a file could not be loaded, whose routes might be the
   * missing ones.
   */
  void finish(boolean everyFileLoaded) {
    if (!everyFileLoaded) {
      return;
    }
    for (Use use : directProducers) {
      if (!directConsumers.contains(use.name())) {
        problem(
            use.site(),
            use.name(),
            "no route in the checked files consumes direct:" + use.name() + " (from: direct:...)");
      }
    }
    for (Use use : routeConfigurationUses) {
      if (!routeConfigurations.contains(use.name())) {
        problem(
            use.site(),
            use.name(),
            "no routeConfiguration with id '" + use.name() + "' in the checked files");
      }
    }
  }

  private void walk(Object node, Site site) {
    if (node == null || !visited.add(node)) {
      return;
    }
    Site here = siteOf(node, site);
    inspect(node, here);
    for (Method getter : getters(node.getClass())) {
      Object value = read(getter, node);
      if (value instanceof String text) {
        inspectOption(node, optionName(getter), text, here);
      } else if (value instanceof Collection<?> items) {
        for (Object item : items) {
          if (isModel(item)) {
            walk(item, here);
          }
        }
      } else if (isModel(value)) {
        walk(value, here);
      }
    }
  }

  private Site siteOf(Object node, Site outer) {
    if (node instanceof LineNumberAware aware && aware.getLineNumber() > 0) {
      RouteFile file = filesByLocation.getOrDefault(aware.getLocation(), outer.file());
      return new Site(file, aware.getLineNumber());
    }
    return outer;
  }

  private void inspect(Object node, Site site) {
    if (node instanceof RouteDefinition route) {
      inspectRoute(route, site);
    } else if (node instanceof FromDefinition from) {
      checkEndpoint(from.getEndpointUri(), Role.CONSUMER, site);
    } else if (node instanceof ToDynamicDefinition toD) {
      String uri = toD.getUri();
      boolean dynamic = uri != null && DYNAMIC_PART.matcher(uri).find();
      checkEndpoint(uri, dynamic ? Role.DYNAMIC : Role.PRODUCER, site);
    } else if (node instanceof SendDefinition<?> to) {
      checkEndpoint(to.getEndpointUri(), Role.PRODUCER, site);
    } else if (node instanceof BeanDefinition bean) {
      checkBeanCall(bean.getRef(), bean.getBeanType(), bean.getMethod(), site);
    } else if (node instanceof MethodCallExpression call) {
      checkBeanCall(call.getRef(), call.getBeanTypeName(), call.getMethod(), site);
    } else if (node instanceof ProcessDefinition process && process.getRef() != null) {
      checkReference(process.getRef(), Processor.class, site);
    } else if (node instanceof OnExceptionDefinition onException) {
      onException.getExceptions().forEach(name -> checkExceptionClass(name, site));
    } else if (node instanceof SimpleExpression simple) {
      checkSimple(simple.getExpression(), site);
    } else if (node instanceof LogDefinition log) {
      checkSimple(log.getMessage(), site);
    }
  }

  /** Parses a Simple expression (syntax, function names) without evaluating it. */
  private void checkSimple(String text, Site site) {
    String resolved = text == null ? null : resolvePlaceholders(text);
    if (resolved == null) {
      return;
    }
    try {
      context.resolveLanguage("simple").createExpression(resolved);
    } catch (RuntimeException e) {
      String reason = String.valueOf(e.getMessage()).lines().findFirst().orElse("").trim();
      problem(site, text, "invalid Simple expression " + text + ": " + reason);
    }
  }

  private void inspectRoute(RouteDefinition route, Site site) {
    if (route.hasCustomIdAssigned()) {
      Site first = routeIds.putIfAbsent(route.getId(), site);
      if (first != null) {
        problem(
            site,
            route.getId(),
            "route id '"
                + route.getId()
                + "' is already used at "
                + first.file().path()
                + ":"
                + first.file().lineOf(first.line(), route.getId()));
      }
    }
    String configurations = route.getRouteConfigurationId();
    if (configurations != null) {
      for (String id : configurations.split(",")) {
        String trimmed = id.trim();
        if (!trimmed.isEmpty() && !trimmed.contains("*")) {
          routeConfigurationUses.add(new Use(trimmed, site));
        }
      }
    }
  }

  /** A string option of a model node that names a bean or a class. */
  private void inspectOption(Object node, String name, String value, Site site) {
    if (node instanceof DataFormatDefinition && CLASS_NAME_OPTIONS.contains(name)) {
      checkClass(value, site);
      return;
    }
    if (node instanceof BeanDefinition || node instanceof MethodCallExpression) {
      return; // checked with their method
    }
    if (node instanceof ProcessDefinition || NOT_BEAN_REFS.contains(name)) {
      return;
    }
    Class<?> javaType = referenceType(node.getClass(), name);
    boolean namedAsReference = name.equals("ref") || name.endsWith("Ref");
    if (javaType != null || namedAsReference) {
      boolean typed = javaType != null && javaType != AggregationStrategy.class;
      checkReference(value, typed ? javaType : null, site);
    }
  }

  /** The bean type a string option refers to, from Camel's catalog of the model. */
  private Class<?> referenceType(Class<?> modelClass, String option) {
    String typeName = modelOptions.javaType(modelClass, option);
    if (typeName == null || typeName.isEmpty() || typeName.contains("<")) {
      return null;
    }
    if (typeName.startsWith("java.")
        || typeName.startsWith("javax.")
        || typeName.startsWith(MODEL_PACKAGE)) {
      return null; // values, or executor services that may be thread pool profiles
    }
    Class<?> type = context.getClassResolver().resolveClass(typeName);
    return type == null || type.isEnum() ? null : type;
  }

  private void checkEndpoint(String uri, Role role, Site site) {
    if (uri == null || uri.isBlank()) {
      return;
    }
    String resolved = resolvePlaceholders(uri);
    if (resolved == null) {
      return; // the placeholder is reported where it is written
    }
    int colon = resolved.indexOf(':');
    if (colon <= 0) {
      problem(site, uri, "'" + uri + "' is not an endpoint URI (component:path?options)");
      return;
    }
    String scheme = resolved.substring(0, colon);
    if (role == Role.DYNAMIC) {
      if (DYNAMIC_PART.matcher(scheme).find()) {
        return; // the component itself is chosen per message
      }
      resolved = DYNAMIC_PART.matcher(resolved).replaceAll("dynamic");
    }
    if (component(scheme) == null) {
      problem(
          site,
          scheme + ":",
          "unknown component '"
              + scheme
              + "' in "
              + uri
              + ": no such Camel component on the classpath");
      return;
    }
    EndpointValidationResult result =
        catalog.validateEndpointProperties(
            resolved, false, role == Role.CONSUMER, role != Role.CONSUMER);
    Map<String, String> findings =
        EndpointFindings.describe(catalog, scheme, result, role == Role.DYNAMIC);
    findings.forEach((word, message) -> problem(site, word, scheme + " endpoint: " + message));
    if (role == Role.DYNAMIC) {
      return; // its targets are known per message only
    }
    boolean targetsExist = inspectEndpointTarget(scheme, resolved, role, site);
    if (!findings.isEmpty() || !targetsExist) {
      return;
    }
    try {
      context.getEndpoint(resolved);
    } catch (RuntimeException e) {
      problem(site, uri, "cannot create endpoint " + uri + ": " + rootMessage(e));
    }
  }

  private Object component(String scheme) {
    try {
      return context.getComponent(scheme);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * Checks what an endpoint points at: the beans and classes its options name, the bean and method
   * of a {@code bean:} or {@code class:} endpoint; records {@code direct:} names.
   *
   * @return false when a problem was reported
   */
  private boolean inspectEndpointTarget(String scheme, String uri, Role role, Site site) {
    Map<String, String> properties;
    try {
      properties = catalog.endpointProperties(uri);
    } catch (Exception e) {
      return true; // creating the endpoint reports it
    }
    boolean clean = true;
    for (String value : properties.values()) {
      // #bean:name, #class:Type, #type:Type; a bare # is a plain value to most options
      if (value != null && value.matches("#(bean|class|type):.+")) {
        clean &= checkReference(value, null, site);
      }
    }
    if (!clean) {
      return false;
    }
    switch (scheme) {
      case "bean" -> {
        return checkBeanCall(properties.get("beanName"), null, properties.get("method"), site);
      }
      case "class" -> {
        return checkBeanCall(null, properties.get("beanName"), properties.get("method"), site);
      }
      case "direct" -> {
        String name = properties.get("name");
        if (role == Role.CONSUMER) {
          directConsumers.add(name);
        } else {
          directProducers.add(new Use(name, site));
        }
        return true;
      }
      default -> {
        return true;
      }
    }
  }

  /**
   * A bean (by name, or by class) and, if given, the method called on it.
   *
   * @return false when a problem was reported
   */
  private boolean checkBeanCall(String ref, String typeName, String method, Site site) {
    Class<?> type;
    String shown;
    if (ref != null && !ref.isBlank()) {
      String name = resolvePlaceholders(stripReferencePrefix(ref));
      if (name == null) {
        return false;
      }
      type = checkBean(name, site);
      if (type == null) {
        return false;
      }
      shown = "bean '" + name + "' (" + type.getName() + ")";
    } else if (typeName != null && !typeName.isBlank()) {
      type = checkClass(typeName, site);
      if (type == null) {
        return false;
      }
      shown = "class " + type.getName();
    } else {
      return true;
    }
    if (method == null || method.isBlank() || type == Object.class) {
      return true;
    }
    String resolved = resolvePlaceholders(method);
    return resolved == null || checkMethod(type, shown, resolved.trim(), site);
  }

  /**
   * The method a call names, and the number of its explicit parameters, if any.
   *
   * @return false when a problem was reported
   */
  private boolean checkMethod(Class<?> type, String shown, String call, Site site) {
    int paren = call.indexOf('(');
    String name = (paren < 0 ? call : call.substring(0, paren)).trim();
    boolean exists;
    try {
      exists = new BeanInfo(context, type).hasMethod(name);
    } catch (RuntimeException e) {
      return true; // a type Camel cannot introspect here; the runtime will say more
    }
    if (!exists) {
      problem(
          site,
          name,
          shown
              + " has no method '"
              + name
              + "'"
              + Suggestions.didYouMean(name, methodNames(type)));
      return false;
    }
    if (paren < 0) {
      return true;
    }
    int count =
        parameterCount(
            call.substring(
                paren + 1, call.lastIndexOf(')') < paren ? call.length() : call.lastIndexOf(')')));
    Set<Integer> counts =
        Arrays.stream(type.getMethods())
            .filter(m -> m.getName().equals(name))
            .map(Method::getParameterCount)
            .collect(Collectors.toCollection(TreeSet::new));
    if (!counts.isEmpty() && !counts.contains(count)) {
      problem(
          site,
          name,
          shown
              + " method '"
              + name
              + "' takes "
              + describeCounts(counts)
              + " parameter(s), not "
              + count);
      return false;
    }
    return true;
  }

  private static String describeCounts(Set<Integer> counts) {
    return counts.stream().map(String::valueOf).collect(Collectors.joining(" or "));
  }

  /** The number of top-level, comma-separated parameters of {@code a, ${b}, 'c,d'}. */
  static int parameterCount(String parameters) {
    if (parameters.isBlank()) {
      return 0;
    }
    int count = 1;
    int depth = 0;
    char quote = 0;
    for (char c : parameters.toCharArray()) {
      if (quote != 0) {
        quote = c == quote ? 0 : quote;
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if (c == '(' || c == '{' || c == '[') {
        depth++;
      } else if (c == ')' || c == '}' || c == ']') {
        depth--;
      } else if (c == ',' && depth == 0) {
        count++;
      }
    }
    return count;
  }

  /**
   * A bean reference as model options take it: a name, #bean:name, #class:Type or #type:Type.
   *
   * @return false when a problem was reported
   */
  private boolean checkReference(String raw, Class<?> expected, Site site) {
    String value = resolvePlaceholders(raw);
    if (value == null || value.isBlank()) {
      return value != null;
    }
    if (value.startsWith("#class:")) {
      String className = value.substring("#class:".length());
      int paren = className.indexOf('(');
      return checkClass(paren < 0 ? className : className.substring(0, paren), site) != null;
    }
    if (value.startsWith("#type:")) {
      Class<?> type = checkClass(value.substring("#type:".length()), site);
      if (type == null) {
        return false;
      }
      if (application.beanTypes().values().stream().noneMatch(type::isAssignableFrom)) {
        problem(site, value, "no bean of type " + type.getName() + " in the application");
        return false;
      }
      return true;
    }
    String name = stripReferencePrefix(value);
    Class<?> type = checkBean(name, site);
    if (type == null) {
      return false;
    }
    if (expected != null && type != Object.class && !expected.isAssignableFrom(type)) {
      problem(
          site,
          name,
          "bean '" + name + "' is a " + type.getName() + ", not a " + expected.getName());
      return false;
    }
    return true;
  }

  /** The type of the bean of that name, reporting it when the application has none. */
  private Class<?> checkBean(String name, Site site) {
    Optional<Class<?>> type = beanType(name);
    if (type.isEmpty()) {
      problem(
          site,
          name,
          "no bean named '"
              + name
              + "' in the application"
              + Suggestions.didYouMean(name, beanNames()));
      return null;
    }
    return type.get();
  }

  private void checkExceptionClass(String raw, Site site) {
    Class<?> type = checkClass(raw, site);
    if (type != null && !Throwable.class.isAssignableFrom(type)) {
      problem(site, raw, type.getName() + " is not an exception");
    }
  }

  /** Loads a class, reporting it when it is not on the classpath. */
  private Class<?> checkClass(String raw, Site site) {
    String name = resolvePlaceholders(raw);
    if (name == null) {
      return null;
    }
    Class<?> type = context.getClassResolver().resolveClass(name.trim());
    if (type == null) {
      String simple = name.substring(name.lastIndexOf('.') + 1);
      problem(site, simple, "class " + name + " is not on the classpath");
    }
    return type;
  }

  private Optional<Class<?>> beanType(String name) {
    Optional<Class<?>> declared = application.beanType(name);
    if (declared.isPresent()) {
      return declared;
    }
    // beans the route files declare themselves (the YAML `beans` DSL)
    return Optional.ofNullable(context.getRegistry().lookupByName(name)).map(Object::getClass);
  }

  private Collection<String> beanNames() {
    return application.beanTypes().keySet();
  }

  private static Collection<String> methodNames(Class<?> type) {
    return Arrays.stream(type.getMethods())
        .filter(m -> m.getDeclaringClass() != Object.class)
        .map(Method::getName)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static String stripReferencePrefix(String value) {
    if (value.startsWith("#bean:")) {
      return value.substring("#bean:".length());
    }
    return value.startsWith("#") ? value.substring(1) : value;
  }

  private String resolvePlaceholders(String text) {
    try {
      return context.resolvePropertyPlaceholders(text);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private void problem(Site site, String word, String message) {
    RouteFile file = Objects.requireNonNull(site.file());
    problems.add(new Problem(file.path(), file.lineOf(site.line(), word), message));
  }

  static String rootMessage(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() != null ? root.getMessage() : root.getClass().getName();
  }

  private static boolean isModel(Object value) {
    return value != null
        && !(value instanceof Enum<?>)
        && value.getClass().getName().startsWith(MODEL_PACKAGE);
  }

  /**
   * The public no-argument getters of a model class that return a value (an option, a child
   * definition or a list of them), as the model's API exposes them.
   */
  private List<Method> getters(Class<?> type) {
    return gettersByClass.computeIfAbsent(
        type,
        t -> {
          List<Method> getters = new ArrayList<>();
          for (Method method : t.getMethods()) {
            String name = method.getName();
            if (method.getParameterCount() == 0
                && !Modifier.isStatic(method.getModifiers())
                && name.startsWith("get")
                && name.length() > 3
                && !NOT_CHILDREN.contains(name)
                && method.getDeclaringClass().getName().startsWith(MODEL_PACKAGE)
                && !method.isBridge()
                && (method.getReturnType() == String.class
                    || Collection.class.isAssignableFrom(method.getReturnType())
                    || method.getReturnType().getName().startsWith(MODEL_PACKAGE))) {
              getters.add(method);
            }
          }
          getters.sort(Comparator.comparing(Method::getName));
          return getters;
        });
  }

  /** {@code idempotentRepository} for {@code getIdempotentRepository}. */
  private static String optionName(Method getter) {
    String name = getter.getName().substring(3);
    return Character.toLowerCase(name.charAt(0)) + name.substring(1);
  }

  private static Object read(Method getter, Object node) {
    try {
      return getter.invoke(node);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null; // a getter that needs a running context: nothing to check there
    }
  }
}
