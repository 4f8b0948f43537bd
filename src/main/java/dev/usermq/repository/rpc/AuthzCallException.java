package dev.usermq.repository.rpc;

/** The authz service answered with an error that retrying will not cure. */
public class AuthzCallException extends RuntimeException {

  public AuthzCallException(String message, Throwable cause) {
    super(message, cause);
  }
}
