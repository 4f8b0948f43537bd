package dev.usermq.support;

import dev.usermq.proto.common.mq.v1.AuthMsg;
import dev.usermq.proto.common.mq.v1.AuthMsgKind;
import java.util.UUID;

/** Builds valid auth messages with fresh ids, so tests never share data. */
public final class Msgs {

  private Msgs() {}

  /** A fresh message id. */
  public static String id() {
    return "m-" + UUID.randomUUID();
  }

  /** A fresh third-party open id. */
  public static String openId() {
    return "o-" + UUID.randomUUID();
  }

  public static AuthMsg register(String platform, String openId) {
    return AuthMsg.newBuilder()
        .setMessageId(id())
        .setKind(AuthMsgKind.AUTH_MSG_KIND_REGISTER)
        .setPlatform(platform)
        .setOpenId(openId)
        .setUnionId("u-" + openId)
        .setNickname("nick")
        .setAvatarUrl("https://example.test/a.png")
        .build();
  }

  public static AuthMsg bind(long userId, String platform, String openId) {
    return AuthMsg.newBuilder()
        .setMessageId(id())
        .setKind(AuthMsgKind.AUTH_MSG_KIND_BIND)
        .setUserId(userId)
        .setPlatform(platform)
        .setOpenId(openId)
        .build();
  }

  public static AuthMsg unbind(long userId, String platform, String openId) {
    return bind(userId, platform, openId).toBuilder()
        .setKind(AuthMsgKind.AUTH_MSG_KIND_UNBIND)
        .build();
  }

  public static AuthMsg deactivate(long userId) {
    return AuthMsg.newBuilder()
        .setMessageId(id())
        .setKind(AuthMsgKind.AUTH_MSG_KIND_DEACTIVATE)
        .setUserId(userId)
        .build();
  }
}
