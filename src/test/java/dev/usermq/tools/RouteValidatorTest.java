package dev.usermq.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usermq.App;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestInstance.Lifecycle;

/**
 * The {@code validate-routes} command against the service's own routes and against fixtures that
 * each break one rule ({@code src/test/resources/route-validation/}). No server runs: the validator
 * reads the application's configuration and bean definitions and starts nothing.
 */
@TestInstance(Lifecycle.PER_CLASS)
class RouteValidatorTest {

  private static final Path FIXTURES = Path.of("src/test/resources/route-validation");

  /** Read-only once built: the application's configuration and bean definitions. */
  private RouteValidator validator;

  @BeforeAll
  void readTheApplication() {
    validator = RouteValidator.forApplication(App.class);
  }

  @Test
  void theServiceRoutesValidateClean() {
    Report report = validate(validator, Path.of("routes"));

    assertThat(report.exitCode()).as(report.output()).isZero();
    assertThat(report.lines()).singleElement().asString().endsWith("no problems");
  }

  @Test
  void unknownYamlKeyIsReportedWithFileAndLine() {
    Report report = validate(validator, fixture("unknown-key.camel.yaml"));

    assertThat(report.problems())
        .containsExactly(
            fixture("unknown-key.camel.yaml") + ":8: YAML DSL: Unsupported field: mesage");
  }

  @Test
  void brokenIndentationIsReportedWithTheLineWhereTheYamlBreaks() {
    Report report = validate(validator, fixture("bad-indentation.camel.yaml"));

    assertThat(report.problems())
        .singleElement()
        .asString()
        .startsWith(fixture("bad-indentation.camel.yaml") + ":9: invalid YAML: ");
  }

  @Test
  void unknownBeanNameIsReportedWithFileAndLine() {
    Report report = validate(validator, fixture("unknown-bean.camel.yaml"));

    String file = fixture("unknown-bean.camel.yaml").toString();
    assertThat(report.problems())
        .containsExactly(
            file
                + ":8: no bean named 'authMsgValidatr' in the application"
                + " (did you mean authMsgValidator?)",
            file
                + ":13: no bean named 'msgIdempotencyRepo' in the application"
                + " (did you mean msgIdempotencyRepository?)");
  }

  @Test
  void beanOfTheWrongTypeForAnOptionIsReportedWithFileAndLine() {
    Report report = validate(validator, fixture("wrong-bean-type.camel.yaml"));

    assertThat(report.problems())
        .containsExactly(
            fixture("wrong-bean-type.camel.yaml")
                + ":9: bean 'processingStats' is a dev.usermq.mq.ProcessingStats, not a"
                + " org.apache.camel.spi.IdempotentRepository");
  }

  @Test
  void unknownBeanMethodOrWrongParameterCountIsReportedWithFileAndLine() {
    Report report = validate(validator, fixture("unknown-method.camel.yaml"));

    String file = fixture("unknown-method.camel.yaml").toString();
    assertThat(report.problems())
        .containsExactly(
            file
                + ":11: bean 'processingStats' (dev.usermq.mq.ProcessingStats) has no method"
                + " 'recrd' (did you mean record?)",
            file
                + ":15: bean 'failureClassifier' (dev.usermq.mq.FailureClassifier) has no method"
                + " 'isTransent' (did you mean isTransient?)",
            file
                + ":22: bean 'processingStats' (dev.usermq.mq.ProcessingStats) method"
                + " 'deadLettered' takes 2 parameter(s), not 1");
  }

  @Test
  void unknownPlaceholderIsReportedWithFileAndLineButNotInComments() {
    Report report = validate(validator, fixture("unknown-placeholder.camel.yaml"));

    assertThat(report.problems())
        .containsExactly(
            fixture("unknown-placeholder.camel.yaml")
                + ":7: unknown property {{stats.log-intervall}}: not set in application.yaml,"
                + " as STATS_LOG_INTERVALL in the environment, or as a system property");
  }

  @Test
  void placeholdersResolveAgainstConfigurationOverrides() {
    RouteValidator withOverride =
        RouteValidator.forApplication(App.class, "--stats.log-intervall=5s");

    Report report = validate(withOverride, fixture("unknown-placeholder.camel.yaml"));

    assertThat(report.exitCode()).as(report.output()).isZero();
  }

  @Test
  void unknownEndpointOptionIsReportedWithFileAndLine() {
    Report report = validate(validator, fixture("unknown-endpoint-option.camel.yaml"));

    String file = fixture("unknown-endpoint-option.camel.yaml").toString();
    assertThat(report.problems())
        .containsExactly(
            file
                + ":8: kafka endpoint: unknown option 'maxPollRecord'"
                + " (did you mean maxPollRecords?)",
            file
                + ":9: kafka endpoint: option 'requestRequiredAcks' is for producers only,"
                + " and this endpoint consumes");
  }

  @Test
  void aTimeIsAValueOfALongIntOrDurationOptionButNotAnyText() {
    Report report = validate(validator, fixture("long-option-times.camel.yaml"));

    assertThat(report.problems())
        .containsExactly(
            fixture("long-option-times.camel.yaml")
                + ":10: sql endpoint: option 'repeatCount' must be an integer, not '3x'");
  }

  @Test
  void invalidSimpleExpressionIsReportedWithFileAndLine() {
    Report report = validate(validator, fixture("invalid-simple.camel.yaml"));

    assertThat(report.problems())
        .containsExactly(
            fixture("invalid-simple.camel.yaml")
                + ":9: invalid Simple expression ${bdy.length}: Unknown function: bdy.length at"
                + " location 0");
  }

  @Test
  void theServiceRoutesPassTheYamlDslSchema() throws IOException {
    RouteSchema schema = RouteSchema.load();

    try (Stream<Path> files = Files.list(Path.of("routes"))) {
      List<Path> routes = files.filter(p -> p.toString().endsWith(".camel.yaml")).toList();
      assertThat(routes).isNotEmpty();
      for (Path route : routes) {
        assertThat(schema.check(RouteFile.read(route))).as(route.toString()).isEmpty();
      }
    }
  }

  @Test
  void aPlaceholderWhereTheSchemaWantsANumberIsReportedAtItsLine() {
    // the placeholder itself resolves: only the schema objects to it
    RouteValidator withX = RouteValidator.forApplication(App.class, "--x=3");

    Report report = validate(withX, fixture("placeholder-for-number.camel.yaml"));

    assertThat(report.problems())
        .containsExactly(
            fixture("placeholder-for-number.camel.yaml")
                + ":11: YAML DSL schema: routeConfiguration.onException[0].onException"
                + ".redeliveryPolicy.maximumRedeliveries: string found, number expected");
  }

  @Test
  void schemaViolationsAreReportedOneLineEachWithFileAndLine() {
    Report report = validate(validator, fixture("schema-violations.camel.yaml"));

    String file = fixture("schema-violations.camel.yaml").toString();
    assertThat(report.problems())
        .containsExactly(
            // the loader stops at the first unknown key, and says it in its own words
            file + ":10: YAML DSL: Unsupported field: logginLevel",
            file
                + ":16: YAML DSL schema: route.from.steps[2].delay.asyncDelayed: string found,"
                + " boolean expected",
            file + ":19: YAML DSL schema: unknown key 'patern' in route.from.steps[3].to");
  }

  @Test
  void anyProblemMakesTheExitCodeNonZeroAndEveryFileIsReported() {
    Report report = validate(validator, FIXTURES);

    assertThat(report.exitCode()).isEqualTo(1);
    assertThat(report.problems())
        .extracting(line -> line.substring(0, line.indexOf(':')))
        .containsOnly(
            Stream.of(
                    "bad-indentation",
                    "invalid-simple",
                    "long-option-times",
                    "placeholder-for-number",
                    "schema-violations",
                    "unknown-bean",
                    "unknown-endpoint-option",
                    "unknown-key",
                    "unknown-method",
                    "unknown-placeholder",
                    "wrong-bean-type")
                .map(name -> fixture(name + ".camel.yaml").toString())
                .toArray(String[]::new));
    assertThat(report.lines().get(report.lines().size() - 1))
        .isEqualTo("validate-routes: 18 problem(s), 11 file(s) checked");
  }

  @Test
  void aMissingPathIsAnError() {
    Report report = validate(validator, Path.of("no-such-routes"));

    assertThat(report.exitCode()).isEqualTo(1);
    assertThat(report.problems()).containsExactly("no-such-routes:0: no such file or directory");
  }

  private static Path fixture(String name) {
    return FIXTURES.resolve(name);
  }

  private static Report validate(RouteValidator validator, Path... paths) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      int exitCode = validator.validate(List.of(paths), out);
      return new Report(exitCode, bytes.toString(StandardCharsets.UTF_8));
    }
  }

  /** What the command printed, and its exit code. */
  private record Report(int exitCode, String output) {

    List<String> lines() {
      return output.lines().toList();
    }

    /** The problem lines, without the summary. */
    List<String> problems() {
      return lines().stream()
          .filter(line -> !line.startsWith(RouteValidator.COMMAND + ":"))
          .toList();
    }
  }
}
