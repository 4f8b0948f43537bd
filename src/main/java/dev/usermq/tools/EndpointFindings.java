package dev.usermq.tools;

import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.camel.catalog.EndpointValidationResult;
import org.apache.camel.catalog.impl.DefaultRuntimeCamelCatalog;

/** What the runtime catalog found wrong with an endpoint URI's options, in words for ops. */
final class EndpointFindings {

  /**
   * A time such as {@code 30s}, {@code 200ms} or {@code 1m30s}: Camel sets a {@code long}, {@code
   * int} or duration option from it in milliseconds (e.g. a polling consumer's {@code delay}, a
   * Kafka consumer's {@code pollTimeoutMs}), where the catalog wants a number or knows no {@code
   * ms}.
   */
  private static final Pattern TIME = Pattern.compile("([0-9]+(d|h|m|s|ms))+");

  private EndpointFindings() {}

  /** The catalog's findings, as option name (to locate it) and message. */
  static Map<String, String> describe(
      DefaultRuntimeCamelCatalog catalog,
      String scheme,
      EndpointValidationResult result,
      boolean dynamic) {
    Map<String, String> findings = new LinkedHashMap<>();
    if (result.getSyntaxError() != null) {
      findings.put("", "invalid URI: " + result.getSyntaxError());
    }
    Map<?, ?> suggestions = orEmpty(result.getUnknownSuggestions());
    for (String option : orEmpty(result.getUnknown())) {
      String hint = catalogSuggestion(suggestions.get(option));
      if (hint.isEmpty()) {
        hint = Suggestions.didYouMean(option, endpointOptionNames(catalog, scheme));
      }
      findings.put(option, "unknown option '" + option + "'" + hint);
    }
    for (String option : orEmpty(result.getNotConsumerOnly())) {
      findings.put(
          option, "option '" + option + "' is for producers only, and this endpoint consumes");
    }
    for (String option : orEmpty(result.getNotProducerOnly())) {
      findings.put(
          option, "option '" + option + "' is for consumers only, and this endpoint produces");
    }
    if (dynamic) {
      return findings; // values computed per message cannot be checked here
    }
    for (String option : orEmpty(result.getRequired())) {
      findings.put(option, "required option '" + option + "' is missing");
    }
    Map<?, ?> choices = orEmpty(result.getInvalidEnumChoices());
    orEmpty(result.getInvalidEnum())
        .forEach(
            (option, value) ->
                findings.put(
                    String.valueOf(option),
                    "option '"
                        + option
                        + "' cannot be '"
                        + value
                        + "'"
                        + oneOf(choices.get(option))));
    invalid(findings, result.getInvalidBoolean(), "a boolean");
    invalid(
        findings,
        withoutTimesOfWholeNumberOptions(catalog, scheme, result.getInvalidInteger()),
        "an integer");
    invalid(findings, result.getInvalidNumber(), "a number");
    invalid(
        findings, withoutTimes(result.getInvalidDuration()), "a duration (e.g. 500, 2s, 1m30s)");
    invalid(findings, result.getInvalidReference(), "a reference (#bean:name, #class:Type)");
    invalid(findings, result.getInvalidArray(), "a list");
    invalid(findings, result.getInvalidMap(), "a map");
    return findings;
  }

  private static final Set<String> WHOLE_NUMBERS =
      Set.of("long", "java.lang.Long", "int", "java.lang.Integer");

  private static Map<?, ?> withoutTimesOfWholeNumberOptions(
      DefaultRuntimeCamelCatalog catalog, String scheme, Map<?, ?> invalid) {
    Map<Object, Object> left = new LinkedHashMap<>(orEmpty(invalid));
    if (left.isEmpty()) {
      return left;
    }
    Set<String> wholeNumberOptions;
    try {
      wholeNumberOptions =
          catalog.componentModel(scheme).getEndpointOptions().stream()
              .filter(o -> WHOLE_NUMBERS.contains(o.getJavaType()))
              .map(o -> o.getName())
              .collect(java.util.stream.Collectors.toSet());
    } catch (RuntimeException e) {
      return left;
    }
    left.entrySet()
        .removeIf(
            e ->
                wholeNumberOptions.contains(String.valueOf(e.getKey()))
                    && TIME.matcher(String.valueOf(e.getValue())).matches());
    return left;
  }

  private static Map<?, ?> withoutTimes(Map<?, ?> invalid) {
    Map<Object, Object> left = new LinkedHashMap<>(orEmpty(invalid));
    left.entrySet().removeIf(e -> TIME.matcher(String.valueOf(e.getValue())).matches());
    return left;
  }

  private static List<String> endpointOptionNames(
      DefaultRuntimeCamelCatalog catalog, String scheme) {
    try {
      return catalog.componentModel(scheme).getEndpointOptions().stream()
          .map(option -> option.getName())
          .toList();
    } catch (RuntimeException e) {
      return List.of();
    }
  }

  private static void invalid(Map<String, String> findings, Map<?, ?> invalid, String what) {
    orEmpty(invalid)
        .forEach(
            (option, value) ->
                findings.put(
                    String.valueOf(option),
                    "option '" + option + "' must be " + what + ", not '" + value + "'"));
  }

  private static String catalogSuggestion(Object candidates) {
    List<String> names = asList(candidates);
    return names.isEmpty() ? "" : " (did you mean " + String.join(" or ", names) + "?)";
  }

  private static String oneOf(Object candidates) {
    List<String> names = asList(candidates);
    return names.isEmpty() ? "" : " (one of " + String.join(", ", names) + ")";
  }

  private static List<String> asList(Object value) {
    if (value instanceof Object[] array) {
      return Arrays.stream(array).map(String::valueOf).toList();
    }
    if (value instanceof Collection<?> items) {
      return items.stream().map(String::valueOf).toList();
    }
    return value == null ? List.of() : List.of(String.valueOf(value));
  }

  private static <T> Set<T> orEmpty(Set<T> set) {
    return set == null ? Set.of() : set;
  }

  private static Map<?, ?> orEmpty(Map<?, ?> map) {
    return map == null ? Map.of() : map;
  }
}
