package dev.usermq.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/**
 * The configuration metadata on the test class path: the service's own properties, which the
 * configuration processor generates from the {@code @ConfigurationProperties} records, and those
 * the Spring Boot and Camel starters declare.
 */
public final class ConfigurationMetadata {

  private static final String RESOURCE = "META-INF/spring-configuration-metadata.json";
  private static final String PROJECT_PACKAGE = "dev.usermq.";
  private static final Pattern LIST_TYPE =
      Pattern.compile("java\\.util\\.(List|Set|Collection)<.*>|.*\\[]");

  /** A property of the service: its name, its default as written, and its description. */
  public record Property(String name, String defaultValue, String description) {}

  private final Map<String, Property> project;
  private final Set<String> starters;

  private ConfigurationMetadata(Map<String, Property> project, Set<String> starters) {
    this.project = project;
    this.starters = starters;
  }

  /** Reads every metadata file of the class path. */
  public static ConfigurationMetadata load() {
    Map<String, Property> project = new TreeMap<>();
    Set<String> starters = new TreeSet<>();
    ObjectMapper json = new ObjectMapper();
    try {
      Enumeration<URL> files = ConfigurationMetadata.class.getClassLoader().getResources(RESOURCE);
      while (files.hasMoreElements()) {
        try (InputStream in = files.nextElement().openStream()) {
          for (JsonNode property : json.readTree(in).path("properties")) {
            String name = property.path("name").asText();
            if (property.path("sourceType").asText().startsWith(PROJECT_PACKAGE)) {
              project.put(
                  name,
                  new Property(
                      name,
                      text(property.get("defaultValue"), property.path("type").asText()),
                      property.path("description").asText(null)));
            } else {
              starters.add(name);
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new ConfigurationMetadata(
        Collections.unmodifiableMap(project), Collections.unmodifiableSet(starters));
  }

  /** The service's own properties by name. */
  public Map<String, Property> project() {
    return project;
  }

  /** Names of the properties that the starters declare (spring.*, camel.*, management.*, ...). */
  public Set<String> starters() {
    return starters;
  }

  /**
   * The environment variable of a property as the README and the Helm chart write it, which
   * Spring's relaxed binding maps back: {@code consumer.max-poll-records} is {@code
   * CONSUMER_MAX_POLL_RECORDS}.
   */
  public static String environmentVariable(String property) {
    return property.replace('.', '_').replace('-', '_').toUpperCase();
  }

  /**
   * A default as a property would be set to it: lists comma-separated (the processor writes the
   * default of a list as {@code "[a, b]"}).
   */
  private static String text(JsonNode value, String type) {
    if (value == null || value.isNull()) {
      return null;
    }
    if (value.isArray()) {
      return StreamSupport.stream(value.spliterator(), false)
          .map(JsonNode::asText)
          .collect(Collectors.joining(","));
    }
    String text = value.asText();
    if (LIST_TYPE.matcher(type).matches() && text.startsWith("[") && text.endsWith("]")) {
      return String.join(",", text.substring(1, text.length() - 1).split(", "));
    }
    return text;
  }
}
