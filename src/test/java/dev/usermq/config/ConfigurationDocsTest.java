package dev.usermq.config;

import static dev.usermq.config.ConfigurationMetadata.environmentVariable;
import static org.assertj.core.api.Assertions.assertThat;

import dev.usermq.config.ConfigurationMetadata.Property;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README's Configuration table against the code: the configuration metadata that the
 * configuration processor generates from the {@code @ConfigurationProperties} records (with their
 * Javadoc and {@code @DefaultValue}s).
 */
class ConfigurationDocsTest {

  private static final Path README = Path.of("README.md");

  /** Rows of these prefixes document Spring Boot and Camel properties, not the service's own. */
  private static final List<String> STARTER_PREFIXES =
      List.of("spring.", "camel.", "management.", "logging.", "server.");

  /**
   * Groups of the service still read by name, without a record of their own: their rows are checked
   * against the metadata once it has the group.
   */
  private static final Set<String> UNTYPED_GROUPS = Set.of("retry", "demo");

  private static ConfigurationMetadata metadata;
  private static Map<String, Row> readme;

  /** One property of the table, with the environment variable and the default its row gives. */
  record Row(String property, String environmentVariable, String defaults) {}

  @BeforeAll
  static void read() throws IOException {
    metadata = ConfigurationMetadata.load();
    readme = rows(Files.readString(README));
  }

  @Test
  void theMetadataHasTheServiceProperties() {
    // the processor ran: without it every other test here would pass on an empty list
    assertThat(metadata.project())
        .containsKeys("topics.auth", "consumer.pause.check-interval", "cache.user-ttl");
    assertThat(readme).containsKeys("topics.auth", "spring.datasource.password");
  }

  @Test
  void everyPropertyIsDescribedInItsClass() {
    assertThat(metadata.project().values())
        .allSatisfy(p -> assertThat(p.description()).as(p.name()).isNotBlank());
  }

  @Test
  void everyPropertyOfTheCodeIsInTheReadmeWithItsEnvironmentVariableAndDefault() {
    for (Property property : metadata.project().values()) {
      Row row = readme.get(property.name());
      assertThat(row).as("README Configuration row of %s", property.name()).isNotNull();
      assertThat(row.environmentVariable())
          .as("environment variable of %s", property.name())
          .isEqualTo(environmentVariable(property.name()));
      if (property.defaultValue() != null) {
        assertThat(sameValue(firstCode(row.defaults()), property.defaultValue()))
            .as(
                "README default of %s is '%s', the code's is '%s'",
                property.name(), row.defaults(), property.defaultValue())
            .isTrue();
      }
    }
  }

  @Test
  void everyPropertyOfTheReadmeExists() {
    for (Row row : readme.values()) {
      String name = row.property();
      assertThat(row.environmentVariable())
          .as("environment variable of %s", name)
          .isEqualTo(environmentVariable(name));
      if (STARTER_PREFIXES.stream().anyMatch(name::startsWith)) {
        if (!name.endsWith("*")) {
          assertThat(metadata.starters()).as("a Spring Boot or Camel property").contains(name);
        }
      } else if (!untyped(name)) {
        assertThat(metadata.project()).as("a property of the service").containsKey(name);
      }
    }
  }

  private static boolean untyped(String name) {
    String group = name.substring(0, name.indexOf('.'));
    return UNTYPED_GROUPS.contains(group)
        && metadata.project().keySet().stream().noneMatch(p -> p.startsWith(group + "."));
  }

  // --- the table -------------------------------------------------------------------------------

  private static final Pattern CODE = Pattern.compile("`([^`]*)`");

  /**
   * The rows of the Configuration table, one per property: a row such as {@code
   * `retry.unexpected.redeliveries` / `delay` | `RETRY_UNEXPECTED_REDELIVERIES` / `_DELAY` | `3` /
   * `500` ms} names a second property beside the first, its variable by the suffix.
   */
  static Map<String, Row> rows(String markdown) {
    int start = markdown.indexOf("\n## Configuration\n");
    assertThat(start).as("the README's Configuration section").isNotNegative();
    int end = markdown.indexOf("\n## ", start + 1);
    String section = end < 0 ? markdown.substring(start) : markdown.substring(start, end);

    Map<String, Row> rows = new TreeMap<>();
    for (String line : section.split("\n")) {
      if (!line.startsWith("| `")) {
        continue;
      }
      String[] cells = line.substring(1).split("\\|");
      List<String> properties = codes(cells[0]);
      List<String> variables = codes(cells[1]);
      String[] defaults = cells[2].split(" / ");
      assertThat(variables).as(line).hasSameSizeAs(properties);
      String first = properties.get(0);
      String parent = first.contains(".") ? first.substring(0, first.lastIndexOf('.')) : first;
      for (int i = 0; i < properties.size(); i++) {
        String property =
            i == 0 ? first : parent + "." + properties.get(i).replaceFirst("^\\.", "");
        String variable =
            i == 0 ? variables.get(0) : environmentVariable(parent) + variables.get(i);
        String defaultValue =
            defaults.length == properties.size() ? defaults[i].trim() : cells[2].trim();
        assertThat(rows).as("%s documented twice", property).doesNotContainKey(property);
        rows.put(property, new Row(property, variable, defaultValue));
      }
    }
    return rows;
  }

  private static List<String> codes(String cell) {
    List<String> codes = new ArrayList<>();
    Matcher code = CODE.matcher(cell);
    while (code.find()) {
      codes.add(code.group(1));
    }
    assertThat(codes).as(cell).isNotEmpty();
    return codes;
  }

  private static String firstCode(String cell) {
    Matcher code = CODE.matcher(cell);
    return code.find() ? code.group(1) : cell;
  }

  /** Equal as written, or as numbers ({@code 1.0} and {@code 1}). */
  private static boolean sameValue(String readme, String code) {
    if (readme.equals(code)) {
      return true;
    }
    try {
      return new BigDecimal(readme).compareTo(new BigDecimal(code)) == 0;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
