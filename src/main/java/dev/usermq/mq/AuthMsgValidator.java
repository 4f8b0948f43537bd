package dev.usermq.mq;

import static dev.usermq.mq.InvalidAuthMsgException.PARSE_ERROR;
import static dev.usermq.mq.InvalidAuthMsgException.VALIDATION_ERROR;

import dev.usermq.proto.common.mq.v1.AuthMsg;
import dev.usermq.proto.common.mq.v1.AuthMsgKind;
import java.util.regex.Pattern;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The rules of the {@code AuthMsg} contract. A record that breaks one is bad input: it is never
 * retried, and the exception says which field is wrong and why.
 */
@Component
public class AuthMsgValidator {

  private static final Pattern MESSAGE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

  // Column sizes of user and user_third_auth: a longer value could never be stored.
  private static final int PLATFORM_MAX = 32;
  private static final int OPEN_ID_MAX = 128;
  private static final int UNION_ID_MAX = 128;
  private static final int NICKNAME_MAX = 64;
  private static final int AVATAR_URL_MAX = 512;

  private final int maxBytes;

  public AuthMsgValidator(@Value("${auth-msg.max-bytes:16384}") int maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** Refuses a missing value or one over the size limit, before any parsing. */
  public void checkSize(byte[] value) {
    if (value == null) {
      throw new InvalidAuthMsgException(PARSE_ERROR, "record has no value");
    }
    if (value.length > maxBytes) {
      throw new InvalidAuthMsgException(
          VALIDATION_ERROR,
          "value is " + value.length + " bytes, over the limit of " + maxBytes + " bytes");
    }
  }

  /** Checks every field rule of the contract (docs/contract.md) for the message's kind. */
  public void validate(AuthMsg msg) {
    if (!MESSAGE_ID.matcher(msg.getMessageId()).matches()) {
      fail(
          "message_id",
          "must be 1..64 chars of [A-Za-z0-9._:-], was '" + clip(msg.getMessageId()) + "'");
    }
    AuthMsgKind kind = msg.getKind();
    if (kind == AuthMsgKind.UNRECOGNIZED) {
      fail("kind", "unknown enum number " + msg.getKindValue());
    }
    if (kind == AuthMsgKind.AUTH_MSG_KIND_UNSPECIFIED) {
      fail("kind", "must be set");
    }
    if (kind == AuthMsgKind.AUTH_MSG_KIND_REGISTER) {
      if (msg.getUserId() != 0) {
        fail("user_id", "must be 0 for REGISTER, was " + msg.getUserId());
      }
    } else if (msg.getUserId() <= 0) {
      fail("user_id", "must be > 0 for " + kind + ", was " + msg.getUserId());
    }
    if (kind != AuthMsgKind.AUTH_MSG_KIND_DEACTIVATE) {
      required("platform", msg.getPlatform(), PLATFORM_MAX);
      required("open_id", msg.getOpenId(), OPEN_ID_MAX);
    }
    maxLength("platform", msg.getPlatform(), PLATFORM_MAX);
    maxLength("open_id", msg.getOpenId(), OPEN_ID_MAX);
    maxLength("union_id", msg.getUnionId(), UNION_ID_MAX);
    maxLength("nickname", msg.getNickname(), NICKNAME_MAX);
    maxLength("avatar_url", msg.getAvatarUrl(), AVATAR_URL_MAX);
  }

  private static void required(String field, String value, int max) {
    if (value.isBlank()) {
      fail(field, "is required");
    }
    maxLength(field, value, max);
  }

  private static void maxLength(String field, String value, int max) {
    if (value.codePointCount(0, value.length()) > max) {
      fail(field, "is longer than " + max + " characters");
    }
  }

  private static String clip(String value) {
    return value.length() <= 80 ? value : value.substring(0, 80) + "...";
  }

  private static void fail(String field, String problem) {
    throw new InvalidAuthMsgException(VALIDATION_ERROR, field + " " + problem);
  }
}
