package dev.usermq.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import dev.usermq.config.ConfigurationMetadata;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * The Helm chart, linted and rendered in the JVM (helm-java, no helm binary). It renders the chart
 * that the Maven build assembles in {@code target/helm/user-mq}: {@code helm/user-mq} plus the
 * route files of {@code routes/} in its {@code files/routes/}.
 */
class HelmChartTest {

  private static final Path CHART = Path.of("target", "helm", "user-mq");
  private static final Path SOURCE_CHART = Path.of("helm", "user-mq");
  private static final Path ROUTES = Path.of("routes");
  private static final Path PRODUCTION_VALUES =
      Path.of("src", "test", "resources", "helm", "values-production.yaml");
  private static final String RELEASE = "user-mq";
  private static final String CHECKSUM = "checksum/routes";

  /** Environment variables that configure the JVM, not the service. */
  private static final Set<String> JVM_VARIABLES = Set.of("JAVA_TOOL_OPTIONS");

  /** The Spring Boot and Camel properties the chart may set. */
  private static final List<String> STARTER_PREFIXES =
      List.of("spring.", "camel.", "logging.", "management.");

  /** The endpoints that, left unset, make the service start embedded servers instead. */
  private static final Set<String> EXTERNAL_ENDPOINTS =
      Set.of("KAFKA_BROKERS", "SPRING_DATASOURCE_URL", "SPRING_DATA_REDIS_HOST", "AUTHZ_TARGET");

  @BeforeAll
  static void chartIsAssembled() {
    assertThat(CHART.resolve("Chart.yaml"))
        .as("the assembled chart; run the test through Maven (process-test-resources builds it)")
        .exists();
  }

  @Test
  void chartPassesHelmLint() {
    LintResult lint = new Helm(CHART).lint().strict().call();

    assertThat(lint.isFailed()).as("helm lint --strict: %s", lint.getMessages()).isFalse();
  }

  @Test
  void defaultValuesRenderTheCoreResources() {
    List<Map<String, Object>> docs = render(CHART);

    assertThat(kinds(docs))
        .contains("Deployment", "Service", "ConfigMap", "ServiceAccount", "PodDisruptionBudget")
        .doesNotContain(
            "HorizontalPodAutoscaler", "ScaledObject", "ServiceMonitor", "NetworkPolicy", "Secret");
    assertThat(servicePortNames(docs)).containsExactly("http", "grpc");
    assertThat(deployment(docs)).extracting(d -> at(d, "spec", "replicas")).isEqualTo(2);
  }

  @Test
  void productionValuesRenderKedaMonitoringAndNetworkPolicy() {
    List<Map<String, Object>> docs = render(CHART, PRODUCTION_VALUES);

    assertThat(kinds(docs))
        .contains("Deployment", "ScaledObject", "ServiceMonitor", "NetworkPolicy")
        .doesNotContain("HorizontalPodAutoscaler");
    // KEDA owns the replica count
    assertThat(at(deployment(docs), "spec", "replicas")).isNull();

    Map<String, Object> trigger = first(list(at(ofKind(docs, "ScaledObject"), "spec", "triggers")));
    assertThat(trigger.get("type")).isEqualTo("kafka");
    assertThat(map(trigger.get("metadata")))
        .containsEntry("topic", "identity.user.auth")
        .containsEntry("consumerGroup", "user-mq-prod")
        .containsEntry("lagThreshold", "500");
    assertThat(at(trigger, "authenticationRef", "name")).isEqualTo("user-mq-kafka-lag");
  }

  @Test
  void cpuAutoscalingReplacesTheFixedReplicaCount() {
    List<Map<String, Object>> docs = render(chart().set("autoscaling.enabled", true));

    Map<String, Object> hpa = ofKind(docs, "HorizontalPodAutoscaler");
    assertThat(at(hpa, "spec", "scaleTargetRef", "name")).isEqualTo(RELEASE);
    assertThat(at(first(list(at(hpa, "spec", "metrics"))), "resource", "name")).isEqualTo("cpu");
    assertThat(at(deployment(docs), "spec", "replicas")).isNull();
  }

  @Test
  void grpcPortIsOnByDefaultAndOptional() {
    List<Map<String, Object>> docs = render(CHART, PRODUCTION_VALUES);

    assertThat(servicePortNames(docs)).containsExactly("http", "grpc");
    assertThat(list(at(container(deployment(docs)), "ports")))
        .extracting(p -> map(p).get("containerPort"))
        .containsExactly(8080, 9090);
    assertThat(networkPolicyPorts(docs)).containsExactly("http", "grpc");

    List<Map<String, Object>> off =
        render(chart().withValuesFile(PRODUCTION_VALUES).set("service.grpc.enabled", false));
    assertThat(servicePortNames(off)).containsExactly("http");
    assertThat(networkPolicyPorts(off)).containsExactly("http");
  }

  @Test
  void podsRunUnderTheRestrictedSecurityProfile() {
    for (List<Map<String, Object>> docs :
        List.of(render(CHART), render(CHART, PRODUCTION_VALUES))) {
      Map<String, Object> pod = podSpec(deployment(docs));
      assertThat(at(pod, "securityContext", "runAsNonRoot")).isEqualTo(true);
      assertThat(at(pod, "securityContext", "runAsUser")).isEqualTo(10001);
      assertThat(at(pod, "securityContext", "seccompProfile", "type")).isEqualTo("RuntimeDefault");
      assertThat(pod.get("automountServiceAccountToken")).isEqualTo(false);

      Map<String, Object> container = container(deployment(docs));
      assertThat(at(container, "securityContext", "runAsNonRoot")).isEqualTo(true);
      assertThat(at(container, "securityContext", "readOnlyRootFilesystem")).isEqualTo(true);
      assertThat(at(container, "securityContext", "allowPrivilegeEscalation")).isEqualTo(false);
      assertThat(list(at(container, "securityContext", "capabilities", "drop")))
          .containsExactly("ALL");
      assertThat(at(container, "securityContext", "seccompProfile", "type"))
          .isEqualTo("RuntimeDefault");

      // a read-only root file system needs a writable /tmp
      assertThat(mountPath(container, "tmp")).isEqualTo("/tmp");
      assertThat(volume(pod, "tmp")).containsKey("emptyDir");
    }
  }

  @Test
  void helmTestPodChecksReadinessAndIsRestrictedToo(@TempDir Path tmp) throws IOException {
    Path testTemplate = Path.of("templates", "tests", "test-readiness.yaml");
    assertThat(Files.readString(CHART.resolve(testTemplate))).contains("helm.sh/hook: test");
    // helm template (like helm-java's) leaves hooks out of its output: render the test pod as a
    // plain template of a copy of the chart
    Path chart = copyChart(tmp.resolve("user-mq"));
    Path copy = chart.resolve(testTemplate);
    Files.write(
        copy, Files.readAllLines(copy).stream().filter(l -> !l.contains("helm.sh/hook")).toList());

    Map<String, Object> testPod = ofKind(render(chart), "Pod");

    assertThat(at(testPod, "spec", "restartPolicy")).isEqualTo("Never");
    assertThat(at(testPod, "spec", "securityContext", "runAsNonRoot")).isEqualTo(true);
    assertThat(at(testPod, "spec", "securityContext", "seccompProfile", "type"))
        .isEqualTo("RuntimeDefault");
    Map<String, Object> container = first(list(at(testPod, "spec", "containers")));
    assertThat(at(container, "securityContext", "allowPrivilegeEscalation")).isEqualTo(false);
    assertThat(at(container, "securityContext", "readOnlyRootFilesystem")).isEqualTo(true);
    assertThat(list(at(container, "securityContext", "capabilities", "drop")))
        .containsExactly("ALL");
    assertThat(list(container.get("command")))
        .contains("http://user-mq:8080/actuator/health/readiness");
  }

  @Test
  void probesUseTheActuatorHealthGroups() {
    Map<String, Object> container = container(deployment(render(CHART)));

    assertThat(at(container, "livenessProbe", "httpGet", "path"))
        .isEqualTo("/actuator/health/liveness");
    assertThat(at(container, "readinessProbe", "httpGet", "path"))
        .isEqualTo("/actuator/health/readiness");
    assertThat(at(container, "startupProbe", "httpGet", "path"))
        .isEqualTo("/actuator/health/liveness");
    assertThat(at(container, "livenessProbe", "httpGet", "port")).isEqualTo("http");
  }

  @Test
  void theJvmOptionsAreTheImagesOwnByDefault() throws IOException {
    Matcher imageOptions =
        Pattern.compile("(?m)^ENV JAVA_TOOL_OPTIONS=\"([^\"]*)\"$")
            .matcher(Files.readString(Path.of("Dockerfile")));
    assertThat(imageOptions.find()).as("the Dockerfile sets JAVA_TOOL_OPTIONS").isTrue();

    assertThat(env(container(deployment(render(CHART)))))
        .containsEntry("JAVA_TOOL_OPTIONS", imageOptions.group(1));
  }

  @Test
  void logsAreJsonLinesByDefaultAndPlainTextOnRequest() {
    assertThat(env(container(deployment(render(CHART)))))
        .containsEntry("LOGGING_STRUCTURED_FORMAT_CONSOLE", "ecs");
    assertThat(env(container(deployment(render(chart().set("logging.structuredFormat", ""))))))
        .doesNotContainKey("LOGGING_STRUCTURED_FORMAT_CONSOLE");
  }

  @Test
  void tracingIsOffByDefaultAndExportsToTheCollectorWhenOn() {
    Map<String, String> off = env(container(deployment(render(CHART))));
    assertThat(off).containsEntry("TRACING_ENABLED", "false");
    assertThat(off)
        .doesNotContainKeys("MANAGEMENT_OTLP_TRACING_ENDPOINT", "TRACING_SAMPLING_PROBABILITY");

    Map<String, String> on =
        env(
            container(
                deployment(
                    render(
                        chart()
                            .set("tracing.enabled", true)
                            .set("tracing.samplingProbability", "0.25")
                            .set("tracing.otlpEndpoint", "http://otel:4318/v1/traces")))));
    assertThat(on)
        .containsEntry("TRACING_ENABLED", "true")
        .containsEntry("TRACING_SAMPLING_PROBABILITY", "0.25")
        .containsEntry("MANAGEMENT_OTLP_TRACING_ENDPOINT", "http://otel:4318/v1/traces");
  }

  @Test
  void terminationGracePeriodOutlastsTheCamelShutdownTimeout() {
    for (List<Map<String, Object>> docs :
        List.of(
            render(CHART),
            render(CHART, PRODUCTION_VALUES),
            render(chart().set("shutdown.camelTimeoutSeconds", 120)))) {
      Map<String, Object> deployment = deployment(docs);
      int camelTimeout =
          Integer.parseInt(env(container(deployment)).get("CAMEL_MAIN_SHUTDOWN_TIMEOUT"));
      int gracePeriod = (Integer) podSpec(deployment).get("terminationGracePeriodSeconds");

      assertThat(gracePeriod).isGreaterThanOrEqualTo(camelTimeout + 5);
    }
    assertThat(podSpec(deployment(render(CHART, PRODUCTION_VALUES))))
        .containsEntry("terminationGracePeriodSeconds", 65);
  }

  @Test
  void routesConfigMapCarriesExactlyTheFilesOfTheRoutesDirectory() throws IOException {
    List<Map<String, Object>> docs = render(CHART);
    Map<String, Object> configMap = ofKind(docs, "ConfigMap");

    Map<String, String> expected = new TreeMap<>();
    try (Stream<Path> files = Files.list(ROUTES)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".camel.yaml")).toList()) {
        expected.put(file.getFileName().toString(), Files.readString(file));
      }
    }
    assertThat(expected).isNotEmpty();
    assertThat(new TreeMap<>(map(configMap.get("data")))).isEqualTo(expected);

    // mounted where ROUTES_INCLUDE_PATTERN points
    Map<String, Object> deployment = deployment(docs);
    assertThat(env(container(deployment)))
        .containsEntry("ROUTES_INCLUDE_PATTERN", "file:/etc/user-mq/routes/*.camel.yaml");
    assertThat(mountPath(container(deployment), "routes")).isEqualTo("/etc/user-mq/routes");
    assertThat(at(volume(podSpec(deployment), "routes"), "configMap", "name"))
        .isEqualTo(at(configMap, "metadata", "name"));
  }

  @Test
  void changedRouteFileChangesTheChecksumSoThePodsRoll(@TempDir Path tmp) throws IOException {
    Path chart = copyChart(tmp.resolve("user-mq"));
    String before = checksum(render(chart));

    // the checksum follows the routes only, not every value
    assertThat(
            checksum(render(new Helm(chart).template().withName(RELEASE).set("replicaCount", 3))))
        .isEqualTo(before);

    Files.writeString(
        chart.resolve("files/routes/auth-msg.camel.yaml"),
        "# an edit by ops\n",
        StandardOpenOption.APPEND);
    String after = checksum(render(chart));

    assertThat(before).matches("[0-9a-f]{64}");
    assertThat(after).matches("[0-9a-f]{64}").isNotEqualTo(before);
  }

  @Test
  void routesFromTheImageNeedNoConfigMap() {
    List<Map<String, Object>> docs = render(chart().set("routes.fromConfigMap", false));

    assertThat(kinds(docs)).doesNotContain("ConfigMap");
    Map<String, Object> deployment = deployment(docs);
    assertThat(env(container(deployment))).doesNotContainKey("ROUTES_INCLUDE_PATTERN");
    assertThat(at(deployment, "spec", "template", "metadata", "annotations", CHECKSUM)).isNull();
  }

  @Test
  void chartWithoutRoutesFailsNamingTheFix() {
    // helm/user-mq itself has no files/routes/: only the assembled chart carries the routes
    assertThatThrownBy(() -> render(SOURCE_CHART))
        .hasMessageContaining("files/routes/*.camel.yaml")
        .hasMessageContaining("target/helm/user-mq")
        .hasMessageContaining("routes.fromConfigMap=false");
  }

  @Test
  void packagedChartCarriesTheRoutes(@TempDir Path tmp) throws IOException {
    new Helm(CHART).packageIt().withDestination(tmp).call();
    Path archive;
    try (Stream<Path> files = Files.list(tmp)) {
      archive = files.filter(f -> f.toString().endsWith(".tgz")).findFirst().orElseThrow();
    }
    assertThat(archive.getFileName().toString()).isEqualTo("user-mq-0.1.0.tgz");

    Map<String, Object> configMap = ofKind(render(archive), "ConfigMap");

    try (Stream<Path> files = Files.list(ROUTES)) {
      assertThat(map(configMap.get("data")).keySet())
          .containsExactlyInAnyOrderElementsOf(
              files
                  .map(f -> f.getFileName().toString())
                  .filter(f -> f.endsWith(".camel.yaml"))
                  .toList());
    }
  }

  @Test
  void secretsComeFromExistingSecretsNeverFromValues() {
    List<Map<String, Object>> docs = render(CHART, PRODUCTION_VALUES);
    Map<String, Object> deployment = deployment(docs);
    Map<String, Object> container = container(deployment);

    assertThat(secretRef(container, "SPRING_DATASOURCE_PASSWORD"))
        .isEqualTo(Map.of("name", "user-mq-db", "key", "password"));
    assertThat(secretRef(container, "SPRING_DATA_REDIS_PASSWORD"))
        .isEqualTo(Map.of("name", "user-mq-redis", "key", "redis-password"));
    assertThat(secretRef(container, "CAMEL_COMPONENT_KAFKA_SASL_JAAS_CONFIG"))
        .isEqualTo(Map.of("name", "user-mq-kafka", "key", "sasl.jaas.config"));
    assertThat(secretRef(container, "CAMEL_COMPONENT_KAFKA_SSL_TRUSTSTORE_PASSWORD"))
        .isEqualTo(Map.of("name", "kafka-cluster-ca", "key", "ca.password"));

    // the truststores are files from the same Secrets
    Map<String, String> env = env(container);
    assertThat(env)
        .containsEntry("CAMEL_COMPONENT_KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
        .containsEntry("CAMEL_COMPONENT_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512")
        .containsEntry(
            "CAMEL_COMPONENT_KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/user-mq/kafka-tls/ca.p12")
        .containsEntry("CAMEL_COMPONENT_KAFKA_SSL_TRUSTSTORE_TYPE", "PKCS12")
        .containsEntry("AUTHZ_PLAINTEXT", "false");
    Map<String, Object> pod = podSpec(deployment);
    assertThat(at(volume(pod, "kafka-tls"), "secret", "secretName")).isEqualTo("kafka-cluster-ca");
    assertThat(mountPath(container, "kafka-tls")).isEqualTo("/etc/user-mq/kafka-tls");
    assertThat(at(volume(pod, "authz-tls"), "secret", "secretName")).isEqualTo("internal-ca");
    assertThat(env.get("JAVA_TOOL_OPTIONS"))
        .contains("-Djavax.net.ssl.trustStore=/etc/user-mq/authz-tls/truststore.jks")
        .doesNotContainIgnoringCase("password");

    // nothing secret is a plain value, and the chart creates no Secret of its own
    for (Map<String, Object> var : envVars(container)) {
      String name = (String) var.get("name");
      if (name.contains("PASSWORD") || name.contains("JAAS")) {
        assertThat(var).as(name).doesNotContainKey("value").containsKey("valueFrom");
      }
    }
    assertThat(kinds(docs)).doesNotContain("Secret");
  }

  @Test
  void everyEnvironmentVariableIsARealPropertyOfTheService() throws IOException {
    Set<String> known = knownEnvironmentVariables();
    assertThat(known)
        .as("the allow-list is derived from the service and its starters")
        .contains("KAFKA_BROKERS", "TOPICS_AUTH", "CAMEL_MAIN_SHUTDOWN_TIMEOUT")
        .contains("SPRING_DATASOURCE_PASSWORD", "CAMEL_COMPONENT_KAFKA_SASL_JAAS_CONFIG")
        .doesNotContain("TOPICS_AUTHS", "CAMEL_COMPONENT_KAFKA_SASL_JAAS");

    for (List<Map<String, Object>> docs :
        List.of(
            render(CHART),
            render(CHART, PRODUCTION_VALUES),
            render(
                chart()
                    .set("kafka.securityProtocol", "SASL_PLAINTEXT")
                    .set("kafka.sasl.existingSecret", "s")))) {
      Set<String> names = env(container(deployment(docs))).keySet();
      assertThat(names).isNotEmpty();
      assertThat(names).allSatisfy(name -> assertThat(known).as("known properties").contains(name));
    }
  }

  @Test
  void everyExternalEndpointIsSetSoNoEmbeddedServerStarts() {
    for (List<Map<String, Object>> docs :
        List.of(render(CHART), render(CHART, PRODUCTION_VALUES))) {
      Map<String, String> env = env(container(deployment(docs)));
      assertThat(env).containsKeys(EXTERNAL_ENDPOINTS.toArray(String[]::new));
      EXTERNAL_ENDPOINTS.forEach(name -> assertThat(env.get(name)).as(name).isNotBlank());
    }
    Map<String, String> production = env(container(deployment(render(CHART, PRODUCTION_VALUES))));
    assertThat(production)
        .containsEntry(
            "KAFKA_BROKERS",
            "kafka-0.kafka.data.svc:9093,kafka-1.kafka.data.svc:9093,kafka-2.kafka.data.svc:9093")
        .containsEntry(
            "SPRING_DATASOURCE_URL", "jdbc:mysql://mysql-primary.data.svc:3306/user?useSSL=true")
        .containsEntry("SPRING_DATA_REDIS_HOST", "redis-master.data.svc")
        .containsEntry("SPRING_DATA_REDIS_PORT", "6380")
        .containsEntry("AUTHZ_TARGET", "authz.identity.svc:9443")
        .containsEntry("AUTHZ_DEADLINE", "1500ms")
        .containsEntry("AUTHZ_DELIVERY_CONCURRENCY", "16")
        .containsEntry("TOPICS_DLQ", "identity.user.auth.dlq")
        .containsEntry("IDEMPOTENCY_TTL", "48h")
        .containsEntry("CONSUMER_CONCURRENCY", "2")
        .containsEntry("CAMEL_MAIN_SHUTDOWN_TIMEOUT", "45");
  }

  @Test
  void productionValuesSetEveryConfigurationOfTheService() {
    Map<String, String> env = env(container(deployment(render(CHART, PRODUCTION_VALUES))));

    assertThat(env)
        .containsKeys(
            "KAFKA_BROKERS",
            "SPRING_DATASOURCE_URL",
            "SPRING_DATASOURCE_USERNAME",
            "SPRING_DATASOURCE_PASSWORD",
            "SPRING_DATA_REDIS_HOST",
            "SPRING_DATA_REDIS_PORT",
            "SPRING_DATA_REDIS_PASSWORD",
            "AUTHZ_TARGET",
            "AUTHZ_DEADLINE",
            "AUTHZ_DELIVERY_CONCURRENCY",
            "AUTHZ_PLAINTEXT",
            "TOPICS_AUTH",
            "TOPICS_USER",
            "TOPICS_ORDER",
            "TOPICS_DLQ",
            "IDEMPOTENCY_TTL",
            "IDEMPOTENCY_PREFIX",
            "CONSUMER_GROUP_ID",
            "CONSUMER_CONCURRENCY",
            "CONSUMER_MAX_POLL_RECORDS",
            "CONSUMER_BATCH_ENABLED",
            "CONSUMER_BATCH_SIZE",
            "CONSUMER_BATCH_MAX_WAIT",
            "AUTH_MSG_MAX_BYTES",
            "OUTBOX_RELAY_INTERVAL",
            "ROUTES_INCLUDE_PATTERN",
            "CAMEL_MAIN_SHUTDOWN_TIMEOUT",
            "CAMEL_COMPONENT_KAFKA_SECURITY_PROTOCOL",
            "CAMEL_COMPONENT_KAFKA_SASL_MECHANISM",
            "CAMEL_COMPONENT_KAFKA_SASL_JAAS_CONFIG",
            "CAMEL_COMPONENT_KAFKA_SSL_TRUSTSTORE_LOCATION",
            "CAMEL_COMPONENT_KAFKA_SSL_TRUSTSTORE_PASSWORD");
  }

  @Test
  void replicaCountThatIsNotANumberIsRejectedNamingTheField(@TempDir Path tmp) throws IOException {
    Path values = write(tmp, "replicaCount: \"two\"\n");

    assertThatThrownBy(() -> render(CHART, values))
        .hasMessageContaining("replicaCount")
        .hasMessageContaining("Invalid type. Expected: integer, given: string");
  }

  @Test
  void unknownKafkaSecurityProtocolIsRejectedNamingTheField(@TempDir Path tmp) throws IOException {
    Path values = write(tmp, "kafka:\n  securityProtocol: TLS\n");

    assertThatThrownBy(() -> render(CHART, values))
        .hasMessageContaining("kafka.securityProtocol")
        .hasMessageContaining("PLAINTEXT")
        .hasMessageContaining("SASL_SSL");
  }

  @Test
  void plainPasswordInValuesIsRejected(@TempDir Path tmp) throws IOException {
    Path values = write(tmp, "database:\n  password: s3cret\n");

    assertThatThrownBy(() -> render(CHART, values))
        .hasMessageContaining("database")
        .hasMessageContaining("Additional property password is not allowed");
  }

  @Test
  void malformedDurationIsRejectedNamingTheField(@TempDir Path tmp) throws IOException {
    Path values = write(tmp, "idempotency:\n  ttl: one day\n");

    assertThatThrownBy(() -> render(CHART, values)).hasMessageContaining("idempotency.ttl");
  }

  @Test
  void saslWithoutItsSecretIsRejected() {
    assertThatThrownBy(() -> render(chart().set("kafka.securityProtocol", "SASL_SSL")))
        .hasMessageContaining("kafka.sasl.existingSecret is empty");
  }

  @Test
  void hpaAndKedaTogetherAreRejected() {
    assertThatThrownBy(
            () -> render(chart().set("autoscaling.enabled", true).set("keda.enabled", true)))
        .hasMessageContaining("autoscaling.enabled and keda.enabled are both true");
  }

  @Test
  void aReleaseOfGrpcReadsOnlyConsumesNothingAndScalesOnCpu() {
    assertThat(env(container(deployment(render(chart())))))
        .containsEntry("CONSUMER_ENABLED", "true");

    List<Map<String, Object>> grpcOnly =
        render(
            chart()
                .withValuesFile(PRODUCTION_VALUES)
                .set("consumer.enabled", false)
                .set("keda.enabled", false)
                .set("autoscaling.enabled", true));
    assertThat(env(container(deployment(grpcOnly)))).containsEntry("CONSUMER_ENABLED", "false");
    assertThat(servicePortNames(grpcOnly)).containsExactly("http", "grpc");
    assertThat(kinds(grpcOnly)).contains("HorizontalPodAutoscaler").doesNotContain("ScaledObject");

    assertThatThrownBy(
            () -> render(chart().set("consumer.enabled", false).set("keda.enabled", true)))
        .hasMessageContaining("keda.enabled is true but consumer.enabled is false");
  }

  // --- rendering -------------------------------------------------------------------------------

  private static TemplateCommand chart() {
    return new Helm(CHART).template().withName(RELEASE).withNamespace("user");
  }

  private static List<Map<String, Object>> render(Path chart, Path... valuesFiles) {
    TemplateCommand template = new Helm(chart).template().withName(RELEASE).withNamespace("user");
    for (Path values : valuesFiles) {
      template = template.withValuesFile(values);
    }
    return render(template);
  }

  private static List<Map<String, Object>> render(TemplateCommand template) {
    List<Map<String, Object>> docs = new ArrayList<>();
    for (Object doc : new Yaml().loadAll(template.call())) {
      if (doc != null) {
        docs.add(map(doc));
      }
    }
    return docs;
  }

  private static Path copyChart(Path target) throws IOException {
    try (Stream<Path> files = Files.walk(CHART)) {
      for (Path source : files.toList()) {
        Path copy = target.resolve(CHART.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(copy);
        } else {
          Files.copy(source, copy);
        }
      }
    }
    return target;
  }

  private static Path write(Path dir, String yaml) throws IOException {
    return Files.writeString(dir.resolve("values.yaml"), yaml);
  }

  // --- the service's configuration ------------------------------------------------------------

  /**
   * Environment forms of every property the service reads: the keys and placeholders of
   * application.yaml, and from the configuration metadata the properties of the typed configuration
   * records and the Spring Boot and Camel properties that their starters declare.
   */
  private static Set<String> knownEnvironmentVariables() throws IOException {
    Set<String> properties = new TreeSet<>();
    try (InputStream in = HelmChartTest.class.getResourceAsStream("/application.yaml")) {
      Map<String, Object> yaml = new Yaml().load(Objects.requireNonNull(in, "application.yaml"));
      flatten("", yaml, properties);
    }
    Matcher placeholders =
        Pattern.compile("\\$\\{([^}:]+)")
            .matcher(Files.readString(Path.of("src/main/resources/application.yaml")));
    while (placeholders.find()) {
      properties.add(placeholders.group(1));
    }
    ConfigurationMetadata metadata = ConfigurationMetadata.load();
    properties.addAll(metadata.project().keySet());
    metadata.starters().stream()
        .filter(name -> STARTER_PREFIXES.stream().anyMatch(name::startsWith))
        .forEach(properties::add);

    Set<String> variables =
        properties.stream()
            .map(ConfigurationMetadata::environmentVariable)
            .collect(Collectors.toCollection(TreeSet::new));
    variables.addAll(JVM_VARIABLES);
    return variables;
  }

  @SuppressWarnings("unchecked")
  private static void flatten(String prefix, Map<String, Object> yaml, Set<String> into) {
    yaml.forEach(
        (key, value) -> {
          String name = prefix.isEmpty() ? key : prefix + "." + key;
          if (value instanceof Map<?, ?> nested) {
            flatten(name, (Map<String, Object>) nested, into);
          } else {
            into.add(name);
          }
        });
  }

  // --- navigating the rendered manifests ----------------------------------------------------

  private static Set<String> kinds(List<Map<String, Object>> docs) {
    return docs.stream().map(d -> (String) d.get("kind")).collect(Collectors.toSet());
  }

  private static Map<String, Object> ofKind(List<Map<String, Object>> docs, String kind) {
    List<Map<String, Object>> found =
        docs.stream().filter(d -> kind.equals(d.get("kind"))).toList();
    assertThat(found).as("rendered %s", kind).hasSize(1);
    return found.get(0);
  }

  private static Map<String, Object> deployment(List<Map<String, Object>> docs) {
    return ofKind(docs, "Deployment");
  }

  private static Map<String, Object> podSpec(Map<String, Object> deployment) {
    return map(at(deployment, "spec", "template", "spec"));
  }

  private static Map<String, Object> container(Map<String, Object> deployment) {
    return first(list(podSpec(deployment).get("containers")));
  }

  private static List<Map<String, Object>> envVars(Map<String, Object> container) {
    return list(container.get("env")).stream().map(HelmChartTest::map).toList();
  }

  /** Plain values by name; a variable from a Secret maps to null. */
  private static Map<String, String> env(Map<String, Object> container) {
    Map<String, String> env = new TreeMap<>();
    for (Map<String, Object> var : envVars(container)) {
      String name = (String) var.get("name");
      assertThat(env).as("%s set twice", name).doesNotContainKey(name);
      env.put(name, (String) var.get("value"));
    }
    return env;
  }

  private static Map<String, Object> secretRef(Map<String, Object> container, String name) {
    Map<String, Object> var =
        envVars(container).stream()
            .filter(v -> name.equals(v.get("name")))
            .findFirst()
            .orElseThrow(() -> new AssertionError(name + " is not set"));
    assertThat(var).as(name).doesNotContainKey("value");
    return map(at(var, "valueFrom", "secretKeyRef"));
  }

  private static String checksum(List<Map<String, Object>> docs) {
    return (String) at(deployment(docs), "spec", "template", "metadata", "annotations", CHECKSUM);
  }

  private static List<Object> networkPolicyPorts(List<Map<String, Object>> docs) {
    return list(at(first(list(at(ofKind(docs, "NetworkPolicy"), "spec", "ingress"))), "ports"))
        .stream()
        .map(p -> map(p).get("port"))
        .toList();
  }

  private static List<String> servicePortNames(List<Map<String, Object>> docs) {
    return list(at(ofKind(docs, "Service"), "spec", "ports")).stream()
        .map(p -> (String) map(p).get("name"))
        .toList();
  }

  private static String mountPath(Map<String, Object> container, String volume) {
    return list(container.get("volumeMounts")).stream()
        .map(HelmChartTest::map)
        .filter(m -> volume.equals(m.get("name")))
        .map(m -> (String) m.get("mountPath"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no mount of " + volume));
  }

  private static Map<String, Object> volume(Map<String, Object> podSpec, String name) {
    return list(podSpec.get("volumes")).stream()
        .map(HelmChartTest::map)
        .filter(v -> name.equals(v.get("name")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no volume " + name));
  }

  private static Object at(Object node, String... path) {
    Object current = node;
    for (String key : path) {
      if (current == null) {
        return null;
      }
      current = map(current).get(key);
    }
    return current;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object node) {
    assertThat(node).isInstanceOf(Map.class);
    return (Map<String, Object>) node;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object node) {
    assertThat(node).isInstanceOf(List.class);
    return (List<Object>) node;
  }

  private static Map<String, Object> first(List<Object> items) {
    assertThat(items).isNotEmpty();
    return map(items.get(0));
  }
}
