package dev.usermq.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.usermq.App;
import dev.usermq.embedded.EmbeddedServersInitializer;
import dev.usermq.mq.AuthzDeliveryQueue;
import dev.usermq.mq.ProcessingStats;
import dev.usermq.repository.rpc.AuthzSrv;
import dev.usermq.repository.xredis.UserCache;
import dev.usermq.support.Db;
import dev.usermq.support.SqlStatements;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.UseAdviceWith;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.slf4j.MDC;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.context.bean.override.mockito.MockitoSpyBean;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The routes with Kafka, timers and authz replaced, advised once for every route test class (they
 * share one application context): records enter through {@code direct:auth-in}, timers through
 * {@code direct:stats-tick} and {@code direct:*-retention-tick} (the retention DELETEs are mocks),
 * gRPC requests through {@code direct:user-grpc}; events go to {@code mock:topic-<topic>}, dead
 * letters to {@code mock:kafka:user.auth.dlq}; authz is a Mockito mock. MySQL and Redis are real
 * (embedded servers), so transactions, the ledger and the idempotency keys are the real ones, and
 * so are the outbox relay's SQL consumers, which poll only when a test asks them to (their interval
 * is an hour here).
 */
@CamelSpringBootTest
@SpringBootTest(
    classes = App.class,
    properties = {
      // no broker and no authz server: Kafka endpoints are mocked, authz is a Mockito bean
      "kafka.brokers=127.0.0.1:9",
      "authz.target=127.0.0.1:9",
      "camel.component.kafka.lazy-start-producer=true",
      "retry.transient.redeliveries=3",
      "retry.transient.initial-delay=10",
      "retry.transient.max-delay=20",
      "retry.unexpected.delay=10",
      "outbox.relay-min-age=0s",
      // the relay's consumers poll when a test runs them; two rows a pass, so that a test sees
      // which rows a pass takes first
      "outbox.relay-interval=1h",
      // delivery marks are written when a test says so (DeliveryMarks.flush), not by the timer
      "outbox.mark-interval=1h",
      "outbox.relay-batch-size=2",
      // the gRPC route is advised to start from direct:user-grpc; no server, no port
      "grpc.port=0"
    })
@ContextConfiguration(initializers = EmbeddedServersInitializer.class)
@Import(SqlStatements.Recording.class)
@UseAdviceWith
abstract class RouteTestBase {

  static final String IN = "direct:auth-in";
  static final String BATCH_IN = "direct:auth-batch-in";
  static final String GRPC_IN = "direct:user-grpc";

  @Autowired CamelContext camel;
  @Autowired ProducerTemplate producer;
  @Autowired JdbcClient jdbc;
  @Autowired TransactionTemplate transactions;
  @MockitoBean AuthzSrv authz;
  @MockitoSpyBean ProcessingStats stats;
  @MockitoSpyBean UserCache userCache;
  @Autowired AuthzDeliveryQueue authzDelivery;

  /**
   * Waits until the background delivery is done with the users handed over: the authz mock must not
   * be stubbed or reset while its thread calls it.
   */
  void awaitAuthzDelivery() {
    await().atMost(Duration.ofSeconds(10)).until(authzDelivery::idle);
  }

  @AfterEach
  void authzDeliveryDone() {
    awaitAuthzDelivery();
  }

  @BeforeEach
  void adviseOnceAndResetMocks() throws Exception {
    if (!camel.isStarted()) {
      AdviceWith.adviceWith(
          camel,
          "auth-msg-consumer",
          a -> {
            a.replaceFromWith(IN);
            // the mock also sees what a log line written while handling would carry in its MDC
            a.weaveById("handle-auth-msg")
                .before()
                .process(e -> e.getIn().setHeader("mdc-message-id", MDC.get("messageId")))
                .to("mock:handle-auth-msg");
            // the guard would stop this route; the tests only check that it is asked to
            a.weaveById("pause-consumption").replace().to("mock:pause-consumption");
          });
      // batch mode: a batch (a list of record exchanges) enters through direct:auth-batch-in; each
      // event of its one send goes to the mock of its topic, as in per-record mode
      AdviceWith.adviceWith(
          camel,
          "auth-msg-batch-consumer",
          a -> {
            a.replaceFromWith(BATCH_IN);
            a.weaveById("send-batch-events")
                .replace()
                .process(
                    e -> {
                      for (Object event : e.getMessage().getBody(java.util.List.class)) {
                        org.apache.camel.Message m = (org.apache.camel.Message) event;
                        Exchange failed =
                            producer.send(
                                "mock:topic-" + m.getHeader(KafkaConstants.OVERRIDE_TOPIC),
                                sent -> {
                                  sent.getMessage().setHeaders(m.getHeaders());
                                  sent.getMessage().setBody(m.getBody());
                                });
                        if (failed.getException() != null) {
                          throw failed.getException();
                        }
                      }
                    });
            a.weaveById("pause-batch-consumption").replace().to("mock:pause-consumption");
          });
      AdviceWith.adviceWith(camel, "dead-letter", a -> a.mockEndpointsAndSkip("kafka:*"));
      // one mock per topic, named by the topic the event is sent to
      AdviceWith.adviceWith(
          camel,
          "publish-event",
          a -> a.weaveById("send-event").replace().toD("mock:topic-${variable.eventTopic}"));
      AdviceWith.adviceWith(
          camel, "processing-stats-log", a -> a.replaceFromWith("direct:stats-tick"));
      AdviceWith.adviceWith(camel, "user-grpc", a -> a.replaceFromWith(GRPC_IN));
      // retention: a tick starts a pass; each DELETE is a mock that answers with a row count
      AdviceWith.adviceWith(
          camel,
          "outbox-retention",
          a -> {
            a.replaceFromWith("direct:outbox-retention-tick");
            a.weaveById("delete-published-events-batch")
                .replace()
                .to("mock:delete-published-events");
            a.weaveById("delete-delivered-authz-commands-batch")
                .replace()
                .to("mock:delete-delivered-authz-commands");
          });
      AdviceWith.adviceWith(
          camel,
          "ledger-retention",
          a -> {
            a.replaceFromWith("direct:ledger-retention-tick");
            a.weaveById("delete-old-ledger-rows-batch").replace().to("mock:delete-old-ledger-rows");
          });
      camel.start();
      // off unless consumer.batch.enabled, as in a service started in per-record mode
      camel.getRouteController().startRoute("auth-msg-batch-consumer");
    }
    MockEndpoint.resetMocks(camel);
  }

  MockEndpoint mock(String uri) {
    return camel.getEndpoint(uri, MockEndpoint.class);
  }

  /**
   * Runs {@code ours} while another consumer's transaction, which has done {@code theirWork}, holds
   * its row locks: that one commits once ours waits for one of them. Returns what ours returned.
   */
  <T> T whileAnotherTransactionHoldsItsLocks(Runnable theirWork, Supplier<T> ours)
      throws Exception {
    CountDownLatch worked = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<Void> anotherConsumer =
        CompletableFuture.runAsync(
            () ->
                transactions.executeWithoutResult(
                    status -> {
                      theirWork.run();
                      worked.countDown();
                      await().until(() -> release.getCount() == 0);
                    }));
    assertThat(worked.await(10, TimeUnit.SECONDS)).isTrue();

    CompletableFuture<T> result = CompletableFuture.supplyAsync(ours);
    Db db = new Db(jdbc);
    await().until(() -> db.transactionsWaitingForALock() > 0);
    release.countDown();
    anotherConsumer.get(10, TimeUnit.SECONDS);
    return result.get(30, TimeUnit.SECONDS);
  }
}
