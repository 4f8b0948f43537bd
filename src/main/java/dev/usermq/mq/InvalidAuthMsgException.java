package dev.usermq.mq;

/** A record that can never be processed; it goes straight to the DLQ with {@link #reason()}. */
public class InvalidAuthMsgException extends RuntimeException {

  /** The value is not an {@code AuthMsg}. */
  public static final String PARSE_ERROR = "PARSE_ERROR";

  /** The {@code AuthMsg} breaks a rule of the contract. */
  public static final String VALIDATION_ERROR = "VALIDATION_ERROR";

  private final String reason;

  public InvalidAuthMsgException(String reason, String message) {
    super(message);
    this.reason = reason;
  }

  /** The {@code dlq-reason} header value. */
  public String reason() {
    return reason;
  }
}
