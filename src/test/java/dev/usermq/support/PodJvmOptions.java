package dev.usermq.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.Yaml;

/**
 * The chart's JVM options ({@code javaOpts} of helm/user-mq/values.yaml, the image's own) as they
 * work in a pod whose memory limit is 768 MiB: {@code -XX:MaxRAM} sizes the heap as the limit
 * would, and the serial collector is what the JVM picks by itself below 1792 MB of memory (here it
 * would pick G1 from the machine's memory). The benchmarks and the fault suite start the service
 * with them.
 */
public final class PodJvmOptions {

  private PodJvmOptions() {}

  public static List<String> of() {
    Map<String, Object> values;
    try (var in = Files.newInputStream(Path.of("helm", "user-mq", "values.yaml"))) {
      values = new Yaml().load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> options = new ArrayList<>(List.of("-XX:MaxRAM=768m", "-XX:+UseSerialGC"));
    options.addAll(Arrays.asList(((String) values.get("javaOpts")).trim().split("\\s+")));
    return List.copyOf(options);
  }
}
