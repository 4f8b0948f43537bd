package dev.usermq.tools;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.camel.catalog.impl.DefaultRuntimeCamelCatalog;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteConfigurationDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.DefaultRegistry;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;

/**
 * The {@code validate-routes} command: checks YAML route files against the Camel DSL and against
 * this application, without starting a consumer or connecting anywhere, and reports each problem as
 * {@code file:line: message}.
 *
 * <p>How, and why this way:
 *
 * <ol>
 *   <li>The application's configuration and bean definitions are read by Spring itself, stopped
 *       before any bean is created ({@link ApplicationDefinitions}): bean names, their types and
 *       placeholder values are exactly those of the running service, with no Kafka, MySQL, Redis or
 *       authz needed.
 *   <li>A plain {@link DefaultCamelContext} that is never started gets a registry that knows those
 *       beans ({@link StubBeanRepository}) and a properties component backed by the same
 *       configuration. Each file goes through Camel's own YAML routes loader, with source locations
 *       on: YAML syntax errors and DSL errors (unknown keys or steps, wrong structure) are the
 *       loader's, with the line it marks, so the check accepts what the service accepts. The loader
 *       stops at the first DSL error of a file, which is then not checked further (placeholders and
 *       schema aside).
 *   <li>Each file is also validated against the YAML DSL's JSON schema, as shipped in {@code
 *       camel-yaml-dsl} ({@link RouteSchema}): what editors and ops tools check, and stricter than
 *       the loader where a {@code {{placeholder}}} stands for a number or a boolean. Camel's own
 *       {@code camel-yaml-dsl-validator} is not published for 4.17.0; the same JSON-schema library
 *       and version it uses does the check here.
 *   <li>Every {@code {{placeholder}}} written in the file (comments aside) is resolved.
 *   <li>The loaded definitions are walked ({@link RouteModelChecker}): endpoint options are checked
 *       with the runtime catalog, then the endpoint is created as the service would create it (not
 *       started: no producer, no consumer), and bean names, methods, parameter counts and class
 *       names are checked against the application.
 * </ol>
 *
 * <p>Not checked: what Simple expressions evaluate to (they are parsed, not run), URIs computed by
 * {@code enrich}/{@code pollEnrich}, the values given to a {@code toD} option, and whether a bean
 * method accepts the message body type. Placeholders resolve against the configuration the service
 * would get in the same shell, so endpoint properties that only the embedded servers supply (e.g.
 * {@code kafka.brokers}) are unknown unless set.
 */
public final class RouteValidator {

  /** The jar's subcommand. */
  public static final String COMMAND = "validate-routes";

  private static final String ROUTE_FILE_SUFFIX = ".camel.yaml";
  private static final String DEFAULT_ROUTES = "routes";

  /** DSL errors about a key, which the loader marks at its mapping or its value. */
  private static final Pattern MISPLACED_KEY =
      Pattern.compile("(?:Unsupported field|Unknown node id|Duplicate field): ([^\\s]+)");

  private final ApplicationDefinitions application;
  private final RouteSchema schema = RouteSchema.load();

  private RouteValidator(ApplicationDefinitions application) {
    this.application = application;
  }

  /**
   * A validator for the routes of {@code applicationClass}.
   *
   * @param propertyArgs {@code --name=value} configuration overrides, as the service takes them
   */
  public static RouteValidator forApplication(Class<?> applicationClass, String... propertyArgs) {
    return new RouteValidator(ApplicationDefinitions.load(applicationClass, propertyArgs));
  }

  /**
   * The command line: {@code validate-routes [--name=value ...] [file-or-directory ...]}, the
   * {@code routes} directory by default.
   *
   * @return the process exit code: 0 when every file is clean, 1 otherwise
   */
  public static int run(Class<?> applicationClass, String[] args, PrintStream out) {
    List<String> propertyArgs = new ArrayList<>();
    List<Path> paths = new ArrayList<>();
    for (String arg : args) {
      if (arg.equals("-h") || arg.equals("--help")) {
        out.println(
            "usage: "
                + COMMAND
                + " [--property=value ...] [file-or-directory ...]   (default: "
                + DEFAULT_ROUTES
                + "/)");
        out.println(
            "Checks *" + ROUTE_FILE_SUFFIX + " route files; exit code 0 when clean, 1 otherwise.");
        out.println(
            "Checks: YAML syntax and the YAML DSL (Camel's loader), the YAML DSL JSON schema ("
                + RouteSchema.RESOURCE
                + "), placeholders, endpoints, bean names, types and methods, classes, Simple"
                + " expressions, route ids, direct: targets and route configurations.");
        out.println(
            "Uses Camel's public API and catalog only (model getters, runtime catalog); no check"
                + " is left out for that.");
        out.println("Output: one line per problem, file:line: message, then a summary.");
        return 0;
      }
      if (arg.startsWith("--")) {
        propertyArgs.add(arg);
      } else {
        paths.add(Path.of(arg));
      }
    }
    if (paths.isEmpty()) {
      paths.add(Path.of(DEFAULT_ROUTES));
    }
    quietLogging();
    RouteValidator validator;
    try {
      validator = forApplication(applicationClass, propertyArgs.toArray(String[]::new));
    } catch (RuntimeException e) {
      out.println(
          COMMAND
              + ": cannot read the application's configuration and beans: "
              + RouteModelChecker.rootMessage(e));
      e.printStackTrace();
      return 1;
    }
    return validator.validate(paths, out);
  }

  /**
   * Checks route files, and the {@code *.camel.yaml} files of directories, printing one line per
   * problem and then a summary.
   *
   * @return 0 when there is no problem, 1 otherwise
   */
  public int validate(List<Path> paths, PrintStream out) {
    List<Problem> problems = new ArrayList<>();
    List<RouteFile> files = routeFiles(paths, problems);
    int routes = check(files, problems);
    Collections.sort(problems);
    problems.forEach(out::println);
    if (problems.isEmpty()) {
      out.printf("%s: %d file(s), %d route(s), no problems%n", COMMAND, files.size(), routes);
      return 0;
    }
    out.printf("%s: %d problem(s), %d file(s) checked%n", COMMAND, problems.size(), files.size());
    return 1;
  }

  private int check(List<RouteFile> files, List<Problem> problems) {
    DefaultCamelContext context = newContext();
    try {
      ModelCamelContext model = context;
      Map<String, RouteFile> byLocation = new HashMap<>();
      List<Map.Entry<Object, RouteFile>> definitions = new ArrayList<>();
      boolean everyFileLoaded = true;
      for (RouteFile file : files) {
        Resource resource =
            ResourceHelper.resolveResource(context, "file:" + file.path().toAbsolutePath());
        byLocation.put(resource.getLocation(), file);
        Set<Object> before = identitySet(model);
        List<Problem> schemaProblems = new ArrayList<>(schema.check(file));
        try {
          PluginHelper.getRoutesLoader(context).loadRoutes(resource);
        } catch (Exception e) {
          Problem loadProblem = loadProblem(file, e);
          problems.add(loadProblem);
          // the loader's words for what the schema also found there: the service's own
          schemaProblems.removeIf(p -> p.line() == loadProblem.line());
          everyFileLoaded = false;
        }
        problems.addAll(schemaProblems);
        for (Object definition : definitions(model)) {
          if (!before.contains(definition)) {
            definitions.add(Map.entry(definition, file));
          }
        }
        checkPlaceholders(context, file, problems);
      }
      RouteModelChecker checker =
          new RouteModelChecker(context, application, catalog(context), byLocation, problems);
      model
          .getRouteConfigurationDefinitions()
          .forEach(c -> checker.addRouteConfiguration(c.getId()));
      // configurations first: routes share their onException definitions
      for (Class<?> kind : List.of(RouteConfigurationDefinition.class, RouteDefinition.class)) {
        for (Map.Entry<Object, RouteFile> definition : definitions) {
          if (kind.isInstance(definition.getKey())) {
            checker.check(definition.getKey(), definition.getValue());
          }
        }
      }
      checker.finish(everyFileLoaded);
      return model.getRouteDefinitions().size();
    } finally {
      context.shutdown();
    }
  }

  private DefaultCamelContext newContext() {
    DefaultCamelContext context = new DefaultCamelContext(false);
    context.getCamelContextExtension().setName(COMMAND);
    context
        .getCamelContextExtension()
        .setRegistry(new DefaultRegistry(new StubBeanRepository(application.beanTypes())));
    context.setSourceLocationEnabled(true);
    context.setAutoStartup(false);
    context
        .getPropertiesComponent()
        .addPropertiesSource(new EnvironmentPropertiesSource(application.environment()));
    context.build();
    return context;
  }

  private static DefaultRuntimeCamelCatalog catalog(DefaultCamelContext context) {
    DefaultRuntimeCamelCatalog catalog = new DefaultRuntimeCamelCatalog();
    catalog.setCamelContext(context);
    catalog.start();
    return catalog;
  }

  private void checkPlaceholders(
      DefaultCamelContext context, RouteFile file, List<Problem> problems) {
    for (RouteFile.Placeholder placeholder : file.placeholders()) {
      try {
        context.resolvePropertyPlaceholders(placeholder.text());
      } catch (RuntimeException e) {
        problems.add(
            new Problem(file.path(), placeholder.line(), placeholderMessage(placeholder, e)));
      }
    }
  }

  private static String placeholderMessage(RouteFile.Placeholder placeholder, RuntimeException e) {
    String text = placeholder.text();
    String key = text.substring(2, text.length() - 2);
    String message = RouteModelChecker.rootMessage(e);
    if (key.matches("[A-Za-z0-9._-]+") && message.contains("not found")) {
      String env = key.toUpperCase().replace('.', '_').replace('-', '_');
      return "unknown property "
          + text
          + ": not set in application.yaml, as "
          + env
          + " in the environment, or as a system property";
    }
    return "cannot resolve " + text + ": " + message;
  }

  /** A load failure, at the line the YAML parser or the DSL marks. */
  private static Problem loadProblem(RouteFile file, Exception failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof MarkedYamlEngineException marked) {
        Mark mark = marked.getProblemMark().or(marked::getContextMark).orElse(null);
        int line = mark == null ? 0 : mark.getLine() + 1;
        Matcher key = MISPLACED_KEY.matcher(String.valueOf(marked.getProblem()));
        if (key.find()) {
          line = file.keyLine(line, key.group(1));
        }
        return new Problem(file.path(), line, describe(marked));
      }
    }
    return new Problem(file.path(), 0, "cannot load: " + RouteModelChecker.rootMessage(failure));
  }

  private static String describe(MarkedYamlEngineException e) {
    boolean dsl = e.getClass().getName().startsWith("org.apache.camel.");
    StringBuilder message = new StringBuilder(dsl ? "YAML DSL: " : "invalid YAML: ");
    message.append(firstLine(e.getProblem()));
    if (e.getContext() != null) {
      message.append(" (").append(firstLine(e.getContext()));
      e.getContextMark().ifPresent(mark -> message.append(" at line ").append(mark.getLine() + 1));
      message.append(')');
    }
    return message.toString();
  }

  private static String firstLine(String text) {
    if (text == null) {
      return "";
    }
    int newline = text.indexOf('\n');
    return (newline < 0 ? text : text.substring(0, newline)).trim();
  }

  private static List<RouteFile> routeFiles(List<Path> paths, List<Problem> problems) {
    List<RouteFile> files = new ArrayList<>();
    for (Path path : paths) {
      List<Path> found;
      if (Files.isDirectory(path)) {
        found = routeFilesIn(path, problems);
        if (found.isEmpty()) {
          problems.add(
              new Problem(path, 0, "no *" + ROUTE_FILE_SUFFIX + " file in this directory"));
        }
      } else if (Files.isRegularFile(path)) {
        found = List.of(path);
      } else {
        problems.add(new Problem(path, 0, "no such file or directory"));
        found = List.of();
      }
      for (Path file : found) {
        try {
          files.add(RouteFile.read(file));
        } catch (IOException e) {
          problems.add(new Problem(file, 0, "cannot read: " + e.getMessage()));
        }
      }
    }
    return files;
  }

  private static List<Path> routeFilesIn(Path directory, List<Problem> problems) {
    try (Stream<Path> entries = Files.list(directory)) {
      return entries
          .filter(p -> p.getFileName().toString().endsWith(ROUTE_FILE_SUFFIX))
          // a Kubernetes ConfigMap mount also holds ..data and its timestamped copies
          .filter(p -> !p.getFileName().toString().startsWith("."))
          .filter(Files::isRegularFile)
          .sorted()
          .toList();
    } catch (IOException e) {
      problems.add(new Problem(directory, 0, "cannot list: " + e.getMessage()));
      return List.of();
    }
  }

  private static List<Object> definitions(ModelCamelContext model) {
    List<Object> all = new ArrayList<>(model.getRouteConfigurationDefinitions());
    all.addAll(model.getRouteDefinitions());
    return all;
  }

  private static Set<Object> identitySet(ModelCamelContext model) {
    Set<Object> set = Collections.newSetFromMap(new IdentityHashMap<>());
    set.addAll(definitions(model));
    return set;
  }

  /** Only problems are printed: the command's output is its report. */
  private static void quietLogging() {
    LoggingSystem logging = LoggingSystem.get(RouteValidator.class.getClassLoader());
    logging.beforeInitialize();
    logging.setLogLevel(LoggingSystem.ROOT_LOGGER_NAME, LogLevel.OFF);
  }
}
