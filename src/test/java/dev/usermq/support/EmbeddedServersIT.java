package dev.usermq.support;

import dev.usermq.App;
import dev.usermq.embedded.EmbeddedServersInitializer;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ContextConfiguration;

/**
 * Base of the integration tests: the whole service on real servers started on random ports (a KRaft
 * Kafka broker in the JVM, Redis and MariaDB processes, the authz gRPC stub). Every subclass shares
 * one application context, so the servers start once per test run.
 */
@SpringBootTest(
    classes = App.class,
    properties = {
      "consumer.concurrency=2",
      "retry.transient.initial-delay=50",
      "retry.transient.max-delay=400",
      "outbox.relay-interval=1h",
      "retention.interval=1s",
      "retention.batch-size=2",
      "stats.log-interval=1h",
      "consumer.pause.check-interval=500ms"
    })
@ContextConfiguration(initializers = EmbeddedServersInitializer.class)
public abstract class EmbeddedServersIT {}
