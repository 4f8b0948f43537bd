package dev.usermq.routes;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The retention routes with their timers replaced and their DELETE statements mocked: a pass
 * deletes batches while they come back full, with the retention period and the batch size as the
 * statement's parameters, and counts the deleted rows per table.
 */
class RetentionRouteTest extends RouteTestBase {

  private static final String COUNT = "CamelSqlUpdateCount";

  @Autowired MeterRegistry meters;

  @Test
  void outboxPassDeletesBatchesUntilOneIsNotFullAndCountsTheRows() throws Exception {
    MockEndpoint events = mock("mock:delete-published-events");
    MockEndpoint commands = mock("mock:delete-delivered-authz-commands");
    events.expectedMessageCount(3);
    events.whenExchangeReceived(1, e -> e.getMessage().setHeader(COUNT, 500));
    events.whenExchangeReceived(2, e -> e.getMessage().setHeader(COUNT, 500));
    events.whenExchangeReceived(3, e -> e.getMessage().setHeader(COUNT, 7));
    events.allMessages().header("retentionSeconds").isEqualTo(Duration.ofDays(7).toSeconds());
    events.allMessages().header("batchSize").isEqualTo(500);
    commands.expectedMessageCount(1);
    commands.whenAnyExchangeReceived(e -> e.getMessage().setHeader(COUNT, 0));
    commands.allMessages().header("retentionSeconds").isEqualTo(Duration.ofDays(7).toSeconds());
    double eventsBefore = deleted("outbox");
    double commandsBefore = deleted("authz_command");

    producer.sendBody("direct:outbox-retention-tick", null);

    MockEndpoint.assertIsSatisfied(events, commands);
    assertThat(deleted("outbox") - eventsBefore).isEqualTo(1007);
    assertThat(deleted("authz_command") - commandsBefore).isZero();
  }

  @Test
  void ledgerPassUsesTheLedgerRetention() throws Exception {
    MockEndpoint ledger = mock("mock:delete-old-ledger-rows");
    ledger.expectedMessageCount(1);
    ledger.whenAnyExchangeReceived(e -> e.getMessage().setHeader(COUNT, 3));
    ledger.allMessages().header("retentionSeconds").isEqualTo(Duration.ofDays(30).toSeconds());
    double before = deleted("auth_msg");

    producer.sendBody("direct:ledger-retention-tick", null);

    ledger.assertIsSatisfied();
    assertThat(deleted("auth_msg") - before).isEqualTo(3);
  }

  private double deleted(String table) {
    Counter counter = meters.find("usermq.retention.deleted").tag("table", table).counter();
    return counter == null ? 0 : counter.count();
  }
}
