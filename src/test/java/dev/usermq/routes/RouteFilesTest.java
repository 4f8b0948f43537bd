package dev.usermq.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Loads every file in {@code routes/} with Camel's YAML DSL loader, so that a broken edit (bad
 * YAML, an unknown or misplaced key) fails the build, and checks the conventions that tests and ops
 * rely on.
 */
class RouteFilesTest {

  static Stream<Path> routeFiles() throws IOException {
    List<Path> files;
    try (Stream<Path> list = Files.list(Path.of("routes"))) {
      files = list.filter(p -> p.toString().endsWith(".camel.yaml")).sorted().toList();
    }
    assertThat(files).as("route files").isNotEmpty();
    return files.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("routeFiles")
  void routeFileLoadsAndEveryRouteHasAnId(Path file) throws Exception {
    try (DefaultCamelContext camel = new DefaultCamelContext()) {
      Resource resource = ResourceHelper.resolveMandatoryResource(camel, "file:" + file);

      PluginHelper.getRoutesLoader(camel).loadRoutes(resource);

      List<RouteDefinition> routes =
          camel
              .getCamelContextExtension()
              .getContextPlugin(org.apache.camel.model.Model.class)
              .getRouteDefinitions();
      assertThat(routes).extracting(RouteDefinition::getRouteId).doesNotContainNull();
      assertThat(routes)
          .allSatisfy(r -> assertThat(r.hasCustomIdAssigned()).as(r.getRouteId()).isTrue());
    }
  }

  @Test
  void theAuthConsumerCommitsOnlyFinishedRecordsAndNeverSkipsOne() throws Exception {
    try (DefaultCamelContext camel = new DefaultCamelContext()) {
      Resource resource =
          ResourceHelper.resolveMandatoryResource(camel, "file:routes/auth-msg.camel.yaml");
      PluginHelper.getRoutesLoader(camel).loadRoutes(resource);

      String uri =
          camel
              .getCamelContextExtension()
              .getContextPlugin(org.apache.camel.model.Model.class)
              .getRouteDefinition("auth-msg-consumer")
              .getInput()
              .getEndpointUri();

      // the client never commits on its timer; Camel commits records that are done, synchronously
      assertThat(uri)
          .contains("autoCommitEnable=false")
          .contains("allowManualCommit=true")
          .contains(
              "kafkaManualCommitFactory=#class:org.apache.camel.component.kafka.consumer.DefaultKafkaManualCommitFactory")
          // a failed record, or a failed poll, resumes from the committed offsets: nothing skipped
          .contains("breakOnFirstError=true")
          .contains("pollOnError=RECONNECT");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("routeFiles")
  void routeFileOpensWithCommentsSayingWhatTheFlowDoes(Path file) throws IOException {
    assertThat(Files.readAllLines(file).get(0)).startsWith("# ");
  }
}
