package dev.usermq.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.doThrow;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.usermq.proto.common.mq.v1.AuthMsg;
import dev.usermq.repository.DependencyUnavailableException;
import dev.usermq.support.Db;
import dev.usermq.support.Msgs;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A protobuf parse failure is a {@code PARSE_ERROR} only when it is the record's: one inside a
 * dependency's reply (gRPC wraps it in {@code INTERNAL}; here authz's answer to BIND's
 * CheckPermission) is the dependency's fault, handed back to the consumer like any transient
 * failure and never dead-lettered.
 */
class DependencyReplyParseErrorRouteTest extends RouteTestBase {

  private static final String BIND_PERMISSION = "user.third_auth.bind";

  private MockEndpoint dlq;
  private MockEndpoint pause;

  @BeforeEach
  void endpoints() {
    dlq = mock("mock:kafka:user.auth.dlq");
    pause = mock("mock:pause-consumption");
  }

  private static StatusRuntimeException unparsableReply() {
    return Status.INTERNAL
        .withDescription("Invalid protobuf byte sequence")
        .withCause(new InvalidProtocolBufferException("While parsing a protocol message"))
        .asRuntimeException();
  }

  @Test
  void anAuthzReplyThatDoesNotParseIsHandedBackNotDeadLettered() throws Exception {
    long userId = registered();
    doThrow(
            new DependencyUnavailableException(
                "authz CheckPermission: INTERNAL", unparsableReply()))
        .when(authz)
        .checkPermission(userId, BIND_PERMISSION);
    dlq.expectedMessageCount(0);
    pause.expectedMessageCount(1);

    Exchange result = producer.send(IN, e -> fill(e, Msgs.bind(userId, "apple", Msgs.openId())));

    assertThat(result.getException()).isInstanceOf(DependencyUnavailableException.class);
    pause.assertIsSatisfied();
    dlq.assertIsSatisfied();
  }

  @Test
  void aBareGrpcInternalAroundAParseFailureIsHandedBackNotDeadLettered() throws Exception {
    long userId = registered();
    doThrow(unparsableReply()).when(authz).checkPermission(userId, BIND_PERMISSION);
    dlq.expectedMessageCount(0);
    pause.expectedMessageCount(1);

    Exchange result = producer.send(IN, e -> fill(e, Msgs.bind(userId, "apple", Msgs.openId())));

    assertThat(result.getException()).isInstanceOf(StatusRuntimeException.class);
    pause.assertIsSatisfied();
    dlq.assertIsSatisfied();
  }

  @Test
  void aRecordThatDoesNotParseIsStillAParseError() throws Exception {
    dlq.expectedMessageCount(1);
    dlq.expectedHeaderReceived("dlq-reason", "PARSE_ERROR");

    producer.send(
        IN,
        e -> {
          e.getIn().setBody("garbage \u0000\u00ff".getBytes(StandardCharsets.ISO_8859_1));
          e.getIn().setHeaders(kafkaHeaders());
        });

    dlq.assertIsSatisfied();
  }

  private long registered() {
    AuthMsg register = Msgs.register("wechat", Msgs.openId());
    Exchange result = producer.send(IN, e -> fill(e, register));
    assertThat(result.getException()).isNull();
    awaitAuthzDelivery();
    MockEndpoint.resetMocks(camel);
    return new Db(jdbc).userOf("wechat", register.getOpenId()).orElseThrow();
  }

  private static void fill(Exchange e, AuthMsg msg) {
    e.getIn().setBody(msg.toByteArray());
    e.getIn().setHeaders(kafkaHeaders());
  }

  private static Map<String, Object> kafkaHeaders() {
    return new HashMap<>(
        Map.of("kafka.TOPIC", "user.auth", "kafka.PARTITION", 0, "kafka.OFFSET", 0L));
  }
}
