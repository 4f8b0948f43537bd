package dev.usermq.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.usermq.App;
import dev.usermq.embedded.AuthzStubService;
import dev.usermq.embedded.EmbeddedServersInitializer;
import dev.usermq.proto.common.mq.v1.AuthMsg;
import dev.usermq.support.Msgs;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.UseAdviceWith;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Tracing on: a record that arrives with a W3C {@code traceparent} is processed in that trace, and
 * its outbound events and its authz call carry it on. Kafka is mocked as in {@link
 * AuthMsgRouteTest}; authz is a real gRPC server in the test that records the metadata of each
 * call; spans are exported to memory.
 */
@CamelSpringBootTest
@SpringBootTest(
    classes = App.class,
    properties = {
      "tracing.enabled=true",
      "kafka.brokers=127.0.0.1:9",
      "camel.component.kafka.lazy-start-producer=true",
      "outbox.relay-interval=1h",
      "stats.log-interval=1h",
      "grpc.port=0"
    })
@ContextConfiguration(initializers = EmbeddedServersInitializer.class)
// tests leave tracing off unless asked
@AutoConfigureObservability(metrics = false)
@Import(TracingRouteTest.SpansInMemory.class)
@UseAdviceWith
class TracingRouteTest {

  private static final String IN = "direct:auth-in";
  private static final String BATCH_IN = "direct:auth-batch-in";
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String TRACEPARENT = "00-" + TRACE_ID + "-00f067aa0ba902b7-01";

  private static final List<Metadata> authzCalls = new CopyOnWriteArrayList<>();
  private static Server authz;

  @Autowired CamelContext camel;
  @Autowired ProducerTemplate producer;
  @Autowired InMemorySpanExporter spans;
  @Autowired SdkTracerProvider tracerProvider;

  private MockEndpoint userTopic;

  @TestConfiguration
  static class SpansInMemory {
    @Bean
    InMemorySpanExporter inMemorySpanExporter() {
      return InMemorySpanExporter.create();
    }
  }

  /**
   * The authz stub behind a server interceptor that keeps the metadata of every GrantRole call (the
   * readiness checks, which the gRPC health service reads every few seconds, call authz too).
   */
  @DynamicPropertySource
  static void authz(DynamicPropertyRegistry properties) throws IOException {
    ServerInterceptor recordMetadata =
        new ServerInterceptor() {
          @Override
          public <Q, A> ServerCall.Listener<Q> interceptCall(
              ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
            if (call.getMethodDescriptor().getBareMethodName().equals("GrantRole")) {
              authzCalls.add(headers);
            }
            return next.startCall(call, headers);
          }
        };
    authz =
        Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
            .addService(ServerInterceptors.intercept(new AuthzStubService(), recordMetadata))
            .build()
            .start();
    properties.add("authz.target", () -> "127.0.0.1:" + authz.getPort());
  }

  @AfterAll
  static void stopAuthz() {
    authz.shutdownNow();
  }

  @BeforeEach
  void adviseOnce() throws Exception {
    if (!camel.isStarted()) {
      AdviceWith.adviceWith(
          camel,
          "auth-msg-consumer",
          a -> {
            a.replaceFromWith(IN);
            // what a log line written while the message is handled would carry in its MDC
            a.weaveById("handle-auth-msg")
                .before()
                .process(e -> e.setVariable("mdcTraceId", MDC.get("traceId")))
                .to("mock:handle-auth-msg");
          });
      // batch mode: a batch (a list of record exchanges) enters through direct:auth-batch-in; its
      // events are dropped, this test looks at its authz calls
      AdviceWith.adviceWith(
          camel,
          "auth-msg-batch-consumer",
          a -> {
            a.replaceFromWith(BATCH_IN);
            a.weaveById("send-batch-events").replace().to("mock:batch-events");
          });
      AdviceWith.adviceWith(camel, "dead-letter", a -> a.mockEndpointsAndSkip("kafka:*"));
      // as in AuthMsgRouteTest: the tracer adds the trace context to the headers of whatever
      // endpoint an event is sent to, Kafka's or this mock's
      AdviceWith.adviceWith(
          camel,
          "publish-event",
          a -> a.weaveById("send-event").replace().toD("mock:topic-${variable.eventTopic}"));
      camel.start();
      // off unless consumer.batch.enabled, as in a service started in per-record mode
      camel.getRouteController().startRoute("auth-msg-batch-consumer");
    }
    MockEndpoint.resetMocks(camel);
    userTopic = camel.getEndpoint("mock:topic-user", MockEndpoint.class);
    authzCalls.clear();
    tracerProvider.forceFlush().join(10, TimeUnit.SECONDS);
    spans.reset();
  }

  @Test
  void recordWithATraceparentIsProcessedInItsTraceAndPassesItToEventsAndAuthz() throws Exception {
    AuthMsg msg = Msgs.register("wechat", Msgs.openId());
    userTopic.expectedMessageCount(1);

    Exchange result = producer.send(IN, e -> fill(e, msg, TRACEPARENT));

    assertThat(result.getException()).isNull();
    userTopic.assertIsSatisfied();
    String eventTraceparent =
        userTopic.getReceivedExchanges().get(0).getMessage().getHeader("traceparent", String.class);
    assertThat(traceIdOf(eventTraceparent)).isEqualTo(TRACE_ID);

    Exchange handled =
        camel.getEndpoint("mock:handle-auth-msg", MockEndpoint.class).getReceivedExchanges().get(0);
    assertThat(handled.getVariable("mdcTraceId")).as("traceId in the log").isEqualTo(TRACE_ID);

    // the grant is delivered behind the record, in the record's trace
    awaitGrantRoleSpans(1);
    Metadata grantRole = authzCalls.get(0);
    String authzTraceparent =
        grantRole.get(Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER));
    assertThat(traceIdOf(authzTraceparent)).isEqualTo(TRACE_ID);

    assertThat(exportedSpans())
        .filteredOn(span -> span.getTraceId().equals(TRACE_ID))
        .extracting(SpanData::getName)
        .contains("auth-in", "publish-events", "shared.authz.v1.AuthzService/GrantRole");
  }

  /**
   * The background delivery makes a batch's authz calls at once on threads of their own: each still
   * carries the batch's trace, under the span of the batch's route.
   */
  @Test
  void theAuthzCallsOfABatchMadeAtOnceCarryTheBatchsTrace() throws Exception {
    Exchange result = sendBatchOfRegisters(3);

    assertThat(result.getException()).isNull();
    awaitGrantRoleSpans(3);
    assertThat(authzCalls).hasSize(3);
    List<SpanData> exported = exportedSpans();
    String batchTrace = traceOfTheBatch(exported);
    for (Metadata call : authzCalls) {
      String traceparent =
          call.get(Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER));
      assertThat(traceIdOf(traceparent)).isEqualTo(batchTrace);
    }
    assertThat(exported)
        .filteredOn(span -> span.getName().equals("shared.authz.v1.AuthzService/GrantRole"))
        .hasSize(3)
        .allSatisfy(span -> assertThat(span.getTraceId()).isEqualTo(batchTrace));
  }

  /**
   * Batch mode sends a batch's events as one Kafka batch, each event a record with the headers of
   * its own message: each of them carries the batch's trace, as an event of a record carries the
   * record's.
   */
  @Test
  void theEventsOfABatchSentTogetherEachCarryTheBatchsTrace() throws Exception {
    MockEndpoint batchEvents = camel.getEndpoint("mock:batch-events", MockEndpoint.class);
    batchEvents.expectedMessageCount(1);

    Exchange result = sendBatchOfRegisters(3);

    assertThat(result.getException()).isNull();
    batchEvents.assertIsSatisfied();
    List<?> events = batchEvents.getReceivedExchanges().get(0).getMessage().getBody(List.class);
    assertThat(events).hasSize(3);
    List<SpanData> exported = exportedSpans();
    String batchTrace = traceOfTheBatch(exported);
    List<String> spanIdsOfTheBatch =
        exported.stream()
            .filter(span -> span.getTraceId().equals(batchTrace))
            .map(SpanData::getSpanId)
            .toList();
    for (Object event : events) {
      String traceparent = ((Message) event).getHeader("traceparent", String.class);
      assertThat(traceIdOf(traceparent)).isEqualTo(batchTrace);
      assertThat(traceparent.split("-")[2])
          .as("the event's parent, a span of the batch")
          .isIn(spanIdsOfTheBatch);
    }
  }

  @Test
  void theTimerThatLogsTheCountsIsNotTraced() throws Exception {
    NotifyBuilder ran =
        new NotifyBuilder(camel).fromRoute("processing-stats-log").whenDone(1).create();
    camel.getRouteController().stopRoute("processing-stats-log");
    camel.getRouteController().startRoute("processing-stats-log");
    // its first run is a second after the start
    assertThat(ran.matches(10, TimeUnit.SECONDS)).isTrue();

    assertThat(exportedSpans())
        .extracting(span -> span.getAttributes().asMap().toString())
        .noneMatch(attributes -> attributes.contains("processing-stats"))
        .noneMatch(attributes -> attributes.contains("logIfChanged"));
  }

  @Test
  void recordWithoutTraceparentStartsATraceOfItsOwn() throws Exception {
    AuthMsg msg = Msgs.register("wechat", Msgs.openId());
    userTopic.expectedMessageCount(1);

    producer.send(IN, e -> fill(e, msg, null));

    userTopic.assertIsSatisfied();
    String eventTraceparent =
        userTopic.getReceivedExchanges().get(0).getMessage().getHeader("traceparent", String.class);
    assertThat(traceIdOf(eventTraceparent)).matches("[0-9a-f]{32}").isNotEqualTo(TRACE_ID);
    assertThat(MDC.get("traceId")).as("the trace leaves the MDC with the record").isNull();
  }

  /** A batch of new REGISTERs, as the batch route's consumer hands one over. */
  private Exchange sendBatchOfRegisters(int count) {
    List<Exchange> records = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Exchange record = new DefaultExchange(camel);
      fill(record, Msgs.register("wechat", Msgs.openId()), null);
      record.getIn().setHeader("kafka.OFFSET", (long) i);
      records.add(record);
    }
    return producer.send(BATCH_IN, e -> e.getIn().setBody(records));
  }

  private static String traceOfTheBatch(List<SpanData> exported) {
    return exported.stream()
        .filter(span -> span.getName().equals("auth-batch-in"))
        .map(SpanData::getTraceId)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no span of the batch's route: " + exported));
  }

  /** Waits for the client spans of this many GrantRole calls, made behind the records. */
  private void awaitGrantRoleSpans(int calls) {
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                exportedSpans().stream()
                        .filter(
                            span -> span.getName().equals("shared.authz.v1.AuthzService/GrantRole"))
                        .count()
                    >= calls);
  }

  private List<SpanData> exportedSpans() {
    tracerProvider.forceFlush().join(10, TimeUnit.SECONDS);
    return spans.getFinishedSpanItems();
  }

  private static String traceIdOf(String traceparent) {
    assertThat(traceparent).as("traceparent").matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]");
    return traceparent.split("-")[1];
  }

  private static void fill(Exchange e, AuthMsg msg, String traceparent) {
    Map<String, Object> headers = new HashMap<>();
    headers.put("kafka.TOPIC", "user.auth");
    headers.put("kafka.PARTITION", 0);
    headers.put("kafka.OFFSET", 0L);
    if (traceparent != null) {
      // as the consumer's header deserializer hands it over
      headers.put("traceparent", traceparent);
    }
    e.getIn().setBody(msg.toByteArray());
    e.getIn().setHeaders(headers);
  }
}
