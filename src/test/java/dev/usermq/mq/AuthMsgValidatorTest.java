package dev.usermq.mq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.usermq.proto.common.mq.v1.AuthMsg;
import dev.usermq.proto.common.mq.v1.AuthMsgKind;
import dev.usermq.support.Msgs;
import org.junit.jupiter.api.Test;

class AuthMsgValidatorTest {

  private final AuthMsgValidator validator = new AuthMsgValidator(100);

  @Test
  void validMessagesOfEveryKindPass() {
    assertThatCode(() -> validator.validate(Msgs.register("wechat", "o-1")))
        .doesNotThrowAnyException();
    assertThatCode(() -> validator.validate(Msgs.bind(7, "apple", "o-2")))
        .doesNotThrowAnyException();
    assertThatCode(() -> validator.validate(Msgs.unbind(7, "apple", "o-2")))
        .doesNotThrowAnyException();
    assertThatCode(() -> validator.validate(Msgs.deactivate(7))).doesNotThrowAnyException();
  }

  @Test
  void messageIdMustBeOneTo64AllowedCharacters() {
    AuthMsg msg = Msgs.register("wechat", "o-1");
    assertInvalid(msg.toBuilder().setMessageId("").build(), "message_id");
    assertInvalid(msg.toBuilder().setMessageId("x".repeat(65)).build(), "message_id");
    assertInvalid(msg.toBuilder().setMessageId("a/b").build(), "message_id");
    assertThatCode(() -> validator.validate(msg.toBuilder().setMessageId("A-z.0_9:x").build()))
        .doesNotThrowAnyException();
  }

  @Test
  void kindMustBeAKnownValue() {
    AuthMsg msg = Msgs.register("wechat", "o-1");
    assertInvalid(
        msg.toBuilder().setKind(AuthMsgKind.AUTH_MSG_KIND_UNSPECIFIED).build(), "kind must be set");
    assertInvalid(msg.toBuilder().setKindValue(9).build(), "kind unknown enum number 9");
  }

  @Test
  void userIdRulesDependOnTheKind() {
    assertInvalid(
        Msgs.register("wechat", "o-1").toBuilder().setUserId(5).build(), "user_id must be 0");
    assertInvalid(Msgs.bind(0, "apple", "o"), "user_id must be > 0");
    assertInvalid(Msgs.deactivate(-1), "user_id must be > 0");
  }

  @Test
  void platformAndOpenIdAreRequiredExceptForDeactivate() {
    assertInvalid(Msgs.register("", "o-1"), "platform is required");
    assertInvalid(Msgs.unbind(3, "apple", " "), "open_id is required");
    assertInvalid(Msgs.bind(3, "p".repeat(33), "o"), "platform is longer than 32");
  }

  @Test
  void valuesOverTheSizeLimitOrMissingAreRefusedBeforeParsing() {
    assertThatThrownBy(() -> validator.checkSize(new byte[101]))
        .isInstanceOf(InvalidAuthMsgException.class)
        .hasMessageContaining("101 bytes")
        .extracting(e -> ((InvalidAuthMsgException) e).reason())
        .isEqualTo("VALIDATION_ERROR");
    assertThatThrownBy(() -> validator.checkSize(null))
        .extracting(e -> ((InvalidAuthMsgException) e).reason())
        .isEqualTo("PARSE_ERROR");
    assertThatCode(() -> validator.checkSize(new byte[100])).doesNotThrowAnyException();
  }

  private void assertInvalid(AuthMsg msg, String message) {
    assertThatThrownBy(() -> validator.validate(msg))
        .isInstanceOf(InvalidAuthMsgException.class)
        .hasMessageContaining(message)
        .satisfies(
            e -> assertThat(((InvalidAuthMsgException) e).reason()).isEqualTo("VALIDATION_ERROR"));
  }
}
