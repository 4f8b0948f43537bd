package dev.usermq.tools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * One route file: its text and YAML node tree, to point a problem at the line where the offending
 * word is written and to find every {@code {{placeholder}}} (comments excluded).
 */
final class RouteFile {

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{(.+?)}}");

  /** Their {@code {{name}}} are template parameters, not configuration properties. */
  private static final Set<String> TEMPLATE_KEYS =
      Set.of("routeTemplate", "templatedRoute", "kamelet");

  /** A placeholder as written, e.g. {@code {{topics.auth}}}, and its line. */
  record Placeholder(String text, int line) {}

  private final Path path;
  private final String text;
  private final List<String> lines;

  /** Per 1-based line: the last line of the widest YAML node that starts on it. */
  private final int[] blockEnd;

  private final List<Placeholder> placeholders = new ArrayList<>();

  /** Every mapping key and the lines it is written on. */
  private final Map<String, List<Integer>> keyLines = new HashMap<>();

  private RouteFile(Path path, String text) {
    this.path = path;
    this.text = text;
    this.lines = text.lines().toList();
    this.blockEnd = new int[lines.size() + 2];
    try {
      Compose compose = new Compose(LoadSettings.builder().setLabel(path.toString()).build());
      Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
      for (Node document : compose.composeAllFromString(text)) {
        index(document, seen);
      }
    } catch (YamlEngineException e) {
      // not YAML: Camel's loader reports where, and nothing else is checked in this file
    }
  }

  static RouteFile read(Path path) throws IOException {
    return new RouteFile(path, Files.readString(path, StandardCharsets.UTF_8));
  }

  Path path() {
    return path;
  }

  /** The file as written. */
  String text() {
    return text;
  }

  List<Placeholder> placeholders() {
    return placeholders;
  }

  /**
   * The line, at or below {@code line} and inside the YAML block that starts there, where {@code
   * word} is written; {@code line} itself when it is not found.
   */
  int lineOf(int line, String word) {
    if (word == null || word.isEmpty() || line < 1 || line > lines.size()) {
      return line;
    }
    int end = Math.max(line, blockEnd[line]);
    for (int i = line; i <= end && i <= lines.size(); i++) {
      String text = lines.get(i - 1);
      if (!text.stripLeading().startsWith("#") && text.contains(word)) {
        return i;
      }
    }
    return line;
  }

  /**
   * The line of the mapping key {@code key} that a parser error at {@code line} is about: inside
   * the block starting there, or else the closest one above (an error may mark the key's value).
   */
  int keyLine(int line, String key) {
    List<Integer> candidates = keyLines.getOrDefault(key, List.of());
    int end = line > 0 && line < blockEnd.length ? Math.max(line, blockEnd[line]) : line;
    int above = -1;
    for (int candidate : candidates) {
      if (candidate >= line && candidate <= end) {
        return candidate;
      }
      if (candidate < line && candidate > above) {
        above = candidate;
      }
    }
    return above > 0 ? above : line;
  }

  private void index(Node node, Set<Node> seen) {
    if (!seen.add(node)) {
      return;
    }
    int start = line(node, true);
    int end = line(node, false);
    if (start > 0 && start < blockEnd.length) {
      blockEnd[start] = Math.max(blockEnd[start], end);
    }
    if (node instanceof ScalarNode scalar) {
      findPlaceholders(scalar.getValue(), start, end);
    } else if (node instanceof SequenceNode sequence) {
      sequence.getValue().forEach(item -> index(item, seen));
    } else if (node instanceof MappingNode mapping) {
      for (NodeTuple entry : mapping.getValue()) {
        if (entry.getKeyNode() instanceof ScalarNode key) {
          keyLines.computeIfAbsent(key.getValue(), k -> new ArrayList<>()).add(line(key, true));
        }
        index(entry.getKeyNode(), seen);
        if (entry.getKeyNode() instanceof ScalarNode key
            && TEMPLATE_KEYS.contains(key.getValue())) {
          continue;
        }
        index(entry.getValueNode(), seen);
      }
    }
  }

  private void findPlaceholders(String value, int start, int end) {
    Matcher matcher = PLACEHOLDER.matcher(value);
    while (matcher.find()) {
      String text = matcher.group();
      int line = start;
      for (int i = start; i <= end && i <= lines.size(); i++) {
        if (lines.get(i - 1).contains(text)) {
          line = i;
          break;
        }
      }
      placeholders.add(new Placeholder(text, line));
    }
  }

  /** The 1-based line where a node starts, or where its last character is. */
  private static int line(Node node, boolean start) {
    return (start ? node.getStartMark() : node.getEndMark())
        .map(mark -> mark.getLine() + (start || mark.getColumn() > 0 ? 1 : 0))
        .orElse(0);
  }
}
