package dev.usermq.tools;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.serialization.node.LocationJsonNodeFactoryFactory;
import com.networknt.schema.utils.JsonNodes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.camel.dsl.yaml.YamlRoutesBuilderLoader;

/**
 * The Camel YAML DSL's own JSON schema, as shipped in the {@code camel-yaml-dsl} jar of the Camel
 * release on the classpath: the structure that editors and ops tools check route files against.
 * Stricter than the loader in one way: a value is checked against the type the schema gives it, so
 * a {@code {{placeholder}}} where a number or a boolean is wanted is an error here, though the
 * loader would resolve it.
 */
final class RouteSchema {

  /** Where {@code camel-yaml-dsl} keeps the schema. */
  static final String RESOURCE = "schema/camelYamlDsl.json";

  private static final String PREFIX = "YAML DSL schema: ";

  /** The validator's words for a value of the wrong JSON type. */
  private static final Pattern TYPE_MISMATCH = Pattern.compile("(\\w+) found, (\\w+) expected");

  private static final Set<String> COMPOSITE = Set.of("oneOf", "anyOf", "allOf");

  private final JsonSchema schema;
  private final ObjectMapper yaml = new YAMLMapper();

  private RouteSchema(JsonSchema schema) {
    this.schema = schema;
  }

  /** The schema of the Camel release the application runs on. */
  static RouteSchema load() {
    try (InputStream in =
        YamlRoutesBuilderLoader.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is not on the classpath (camel-yaml-dsl)");
      }
      // `deprecated` marks a key without constraining it; draft 4 does not know the word
      JsonMetaSchema draft4 =
          JsonMetaSchema.builder(JsonMetaSchema.getV4())
              .keyword(new NonValidationKeyword("deprecated"))
              .build();
      JsonSchema schema =
          JsonSchemaFactory.getInstance(
                  SpecVersion.VersionFlag.V4, factory -> factory.metaSchema(draft4))
              .getSchema(in);
      schema.initializeValidators();
      return new RouteSchema(schema);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Validates a file, one problem per offending node, at its line. A file that is not YAML is left
   * to the loader, which says where it breaks.
   */
  List<Problem> check(RouteFile file) {
    JsonNode document;
    try {
      document =
          JsonNodes.readTree(yaml, file.text(), LocationJsonNodeFactoryFactory.getInstance());
    } catch (RuntimeException e) {
      return List.of(); // not YAML
    }
    if (document == null || document.isMissingNode()) {
      return List.of();
    }
    List<ValidationMessage> messages =
        schema.validate(document).stream()
            .sorted(Comparator.comparing(ValidationMessage::getInstanceLocation))
            .toList();
    // the validator's messages grouped by the node they are about, the least telling dropped
    Map<JsonNodePath, List<ValidationMessage>> byNode = new LinkedHashMap<>();
    for (ValidationMessage message : messages) {
      if (!superseded(message, messages)) {
        byNode.computeIfAbsent(message.getInstanceLocation(), at -> new ArrayList<>()).add(message);
      }
    }
    List<Problem> problems = new ArrayList<>();
    byNode.forEach((at, about) -> problems.addAll(describe(file, document, at, about)));
    return problems;
  }

  /**
   * A failed {@code oneOf}/{@code anyOf}, and what its alternatives that do not fit say, tell less
   * than what went wrong further in, inside the alternative that fits: a wrong type for one of the
   * forms a key takes (a string or a mapping) is moot when the mapping has a wrong key.
   */
  private static boolean superseded(ValidationMessage message, List<ValidationMessage> all) {
    JsonNodePath at = message.getInstanceLocation();
    String type = message.getType();
    boolean alternative = COMPOSITE.contains(type) || type.equals("not") || inAlternative(message);
    for (ValidationMessage other : all) {
      JsonNodePath there = other.getInstanceLocation();
      if (other == message || !there.startsWith(at)) {
        continue;
      }
      boolean deeper = there.getNameCount() > at.getNameCount();
      String otherType = other.getType();
      if (alternative && deeper) {
        return true;
      }
      if ((COMPOSITE.contains(type) || type.equals("not"))
          && !COMPOSITE.contains(otherType)
          && !otherType.equals("not")) {
        return true;
      }
      if (type.equals("type") && !otherType.equals("type") && !COMPOSITE.contains(otherType)) {
        return true;
      }
    }
    return false;
  }

  /** Whether the schema reached the message through one alternative of several. */
  private static boolean inAlternative(ValidationMessage message) {
    JsonNodePath path = message.getEvaluationPath();
    for (int i = 0; i < path.getNameCount(); i++) {
      if (COMPOSITE.contains(String.valueOf(path.getElement(i)))) {
        return true;
      }
    }
    return false;
  }

  /** The messages about one node: wrong types and missing keys each on one line. */
  private static List<Problem> describe(
      RouteFile file, JsonNode document, JsonNodePath at, List<ValidationMessage> messages) {
    List<Problem> problems = new ArrayList<>();
    Set<String> expectedTypes = new LinkedHashSet<>();
    String foundType = null;
    Set<String> missing = new LinkedHashSet<>();
    boolean missingOneOf = false;
    ValidationMessage first = messages.get(0);
    for (ValidationMessage message : messages) {
      Matcher mismatch = TYPE_MISMATCH.matcher(message.getMessage());
      if (message.getType().equals("type") && mismatch.find()) {
        foundType = mismatch.group(1);
        expectedTypes.add(mismatch.group(2));
      } else if (message.getType().equals("required")) {
        missing.add(message.getProperty());
        missingOneOf |= inAlternative(message);
      } else {
        problems.add(toProblem(file, document, message));
      }
    }
    String path = readable(at);
    int line = lineOf(first.getInstanceNode(), document, at);
    if (foundType != null) {
      problems.add(
          new Problem(
              file.path(),
              line,
              PREFIX
                  + path
                  + ": "
                  + foundType
                  + " found, "
                  + String.join(" or ", expectedTypes)
                  + " expected"));
    }
    if (!missing.isEmpty()) {
      String keys = missing.stream().map(k -> "'" + k + "'").collect(Collectors.joining(", "));
      String what =
          missing.size() == 1
              ? "missing required key " + keys
              : (missingOneOf ? "wants one of the keys " : "missing required keys ") + keys;
      problems.add(new Problem(file.path(), line, PREFIX + path + ": " + what));
    }
    return problems;
  }

  private static Problem toProblem(RouteFile file, JsonNode document, ValidationMessage message) {
    JsonNodePath at = message.getInstanceLocation();
    String path = readable(at);
    String property = message.getProperty();
    int line = lineOf(message.getInstanceNode(), document, at);
    String what;
    switch (message.getType()) {
      case "additionalProperties" -> {
        line = file.keyLine(line, property);
        what = "unknown key '" + property + "'" + (path.isEmpty() ? "" : " in " + path);
      }
      default -> what = (path.isEmpty() ? "" : path + ": ") + withoutLocation(message, at);
    }
    return new Problem(file.path(), line, PREFIX + what);
  }

  /** The message's own words, without the {@code $.a.b: } the validator puts before them. */
  private static String withoutLocation(ValidationMessage message, JsonNodePath at) {
    String text = message.getMessage();
    String location = at.toString() + ": ";
    return text.startsWith(location) ? text.substring(location.length()) : text;
  }

  /**
   * {@code route.from.steps[2].to.uri} for {@code $[1].route.from.steps[2].to.uri}: the position of
   * the top-level element is the line already.
   */
  static String readable(JsonNodePath path) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < path.getNameCount(); i++) {
      Object element = path.getElement(i);
      if (element instanceof Integer index) {
        if (i > 0) {
          text.append('[').append(index).append(']');
        }
      } else {
        if (!text.isEmpty()) {
          text.append('.');
        }
        text.append(element);
      }
    }
    return text.toString();
  }

  /** The line of the node, or of the closest enclosing node that knows one. */
  private static int lineOf(JsonNode node, JsonNode document, JsonNodePath at) {
    for (JsonNodePath path = at; ; path = path.getParent()) {
      JsonNode current = node != null && path == at ? node : JsonNodes.get(document, path);
      JsonLocation location = current == null ? null : JsonNodes.tokenLocationOf(current);
      if (location != null && location.getLineNr() > 0) {
        return location.getLineNr();
      }
      if (path.getParent() == null) {
        return 0;
      }
    }
  }
}
