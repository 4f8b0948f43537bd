package dev.usermq.support;

import dev.usermq.App;
import dev.usermq.embedded.EmbeddedServersInitializer;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ContextConfiguration;

/**
 * Base of the integration tests: the whole service on real servers started on random ports (a KRaft
 * Kafka broker in the JVM, Redis and MariaDB processes, the authz gRPC stub). Every subclass shares
 * one application context, so the servers start once per test run. {@link SqlStatements} sees every
 * statement sent to MySQL.
 */
@SpringBootTest(
    classes = App.class,
    properties = {
      "consumer.concurrency=2",
      "retry.transient.initial-delay=50",
      "retry.transient.max-delay=400",
      "outbox.relay-interval=1h",
      "retention.interval=1h",
      "retention.batch-size=2",
      "stats.log-interval=1h",
      "consumer.pause.check-interval=500ms",
      // a free port for the gRPC server; tests ask the route's consumer which
      "grpc.port=0"
    })
@ContextConfiguration(initializers = EmbeddedServersInitializer.class)
@Import(SqlStatements.Recording.class)
public abstract class EmbeddedServersIT {}
