package dev.usermq.repository;

/**
 * A dependency (the authz service, a database, Redis, Kafka) could not be reached in time. The work
 * is retried with backoff and never dead-lettered for this reason.
 */
public class DependencyUnavailableException extends RuntimeException {

  public DependencyUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
