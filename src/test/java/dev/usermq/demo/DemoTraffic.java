package dev.usermq.demo;

import com.google.protobuf.Timestamp;
import dev.usermq.proto.common.mq.v1.AuthMsg;
import dev.usermq.proto.common.mq.v1.AuthMsgKind;
import dev.usermq.repository.model.UserThirdAuthModel;
import dev.usermq.repository.model.UserThirdAuthRow;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * The demo switch of the local run ({@link DemoProperties}): publishes a stream of sample auth
 * messages to the auth topic, so a local run shows the service at work. The mix has every kind,
 * repeated message ids and a few bad records; the running counts in the log show where each one
 * went.
 */
@Component
@ConditionalOnProperty(name = "demo.enabled", havingValue = "true")
public class DemoTraffic extends RouteBuilder {

  private static final String[] PLATFORMS = {"wechat", "apple", "google"};

  private final UserThirdAuthModel bindings;
  private final DemoProperties properties;
  private final Random random = new Random();
  private final AtomicLong sequence = new AtomicLong();
  private final List<AuthMsg> sent = new ArrayList<>();
  private final List<String> registeredOpenIds = new ArrayList<>();

  public DemoTraffic(UserThirdAuthModel bindings, DemoProperties properties) {
    this.bindings = bindings;
    this.properties = properties;
  }

  @Override
  public void configure() {
    from("timer:demo-traffic?period=" + Math.max(1, 1000 / properties.rate()))
        .routeId("demo-traffic")
        .bean(this, "next")
        .to("kafka:{{topics.auth}}");
  }

  /** The value of the next sample record. */
  public synchronized byte[] next() {
    int dice = random.nextInt(100);
    if (dice < 2) {
      return "not protobuf \u0000\u00ff".getBytes(StandardCharsets.ISO_8859_1);
    }
    if (dice < 4) {
      return message(AuthMsgKind.AUTH_MSG_KIND_UNSPECIFIED, 0, "", "").toByteArray();
    }
    if (dice < 14 && !sent.isEmpty()) {
      return sent.get(random.nextInt(sent.size())).toByteArray();
    }
    AuthMsg msg = nextValid(dice);
    sent.add(msg);
    if (sent.size() > 1000) {
      sent.remove(0);
    }
    return msg.toByteArray();
  }

  private AuthMsg nextValid(int dice) {
    Optional<UserThirdAuthRow> known = knownBinding();
    if (dice < 60 || known.isEmpty()) {
      String openId =
          "demo-" + Long.toString(sequence.incrementAndGet(), 36) + "-" + random.nextInt(1000);
      registeredOpenIds.add(openId);
      return message(AuthMsgKind.AUTH_MSG_KIND_REGISTER, 0, platform(), openId);
    }
    long userId = known.get().userId();
    if (dice < 80) {
      return message(
          AuthMsgKind.AUTH_MSG_KIND_BIND, userId, platform(), "bind-" + random.nextInt(500));
    }
    if (dice < 92) {
      return message(
          AuthMsgKind.AUTH_MSG_KIND_UNBIND, userId, known.get().platform(), known.get().openId());
    }
    return message(AuthMsgKind.AUTH_MSG_KIND_DEACTIVATE, userId, "", "");
  }

  private Optional<UserThirdAuthRow> knownBinding() {
    if (registeredOpenIds.isEmpty()) {
      return Optional.empty();
    }
    String openId = registeredOpenIds.get(random.nextInt(registeredOpenIds.size()));
    for (String platform : PLATFORMS) {
      Optional<UserThirdAuthRow> row = bindings.findByPlatformAndOpenId(platform, openId);
      if (row.isPresent()) {
        return row;
      }
    }
    return Optional.empty();
  }

  private String platform() {
    return PLATFORMS[random.nextInt(PLATFORMS.length)];
  }

  private AuthMsg message(AuthMsgKind kind, long userId, String platform, String openId) {
    Instant now = Instant.now();
    return AuthMsg.newBuilder()
        .setMessageId("demo-" + now.toEpochMilli() + "-" + sequence.incrementAndGet())
        .setKind(kind)
        .setUserId(userId)
        .setPlatform(platform)
        .setOpenId(openId)
        .setNickname(openId.isEmpty() ? "" : "user " + openId)
        .setOccurredAt(Timestamp.newBuilder().setSeconds(now.getEpochSecond()))
        .build();
  }
}
