package dev.usermq.repository.rpc;

/**
 * The authorization service, as logic sees it. Every call has a deadline; a call that cannot reach
 * the service in time throws {@link dev.usermq.repository.DependencyUnavailableException}.
 */
public interface AuthzSrv {

  /** Whether the user holds the permission. */
  boolean checkPermission(long userId, String permission);

  /** Grants the role; idempotent. */
  void grantRole(long userId, String role);

  /** Revokes every role of the user; idempotent. */
  void revokeRoles(long userId);
}
