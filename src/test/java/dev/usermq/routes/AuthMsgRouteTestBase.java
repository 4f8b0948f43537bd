package dev.usermq.routes;

import dev.usermq.mq.DeliveryMarks;
import dev.usermq.support.Db;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The route tests of the auth messages, in either mode: the database as a test reads it and the
 * mocks a record's outcome reaches (the two event topics, the DLQ, the consumer's pause).
 */
abstract class AuthMsgRouteTestBase extends RouteTestBase {

  Db db;
  MockEndpoint userTopic;
  MockEndpoint orderTopic;
  MockEndpoint dlq;
  MockEndpoint pause;

  @Autowired DeliveryMarks deliveryMarks;

  /** The user's authz commands not done, once the marks gathered so far are written. */
  java.util.List<String> pendingAuthzCommands(long userId) {
    deliveryMarks.flush();
    return db.pendingAuthzCommands(userId);
  }

  @BeforeEach
  void outcomeEndpoints() {
    db = new Db(jdbc);
    userTopic = mock("mock:topic-user");
    orderTopic = mock("mock:topic-order");
    dlq = mock("mock:kafka:user.auth.dlq");
    pause = mock("mock:pause-consumption");
  }
}
