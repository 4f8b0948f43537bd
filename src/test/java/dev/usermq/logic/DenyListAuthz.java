package dev.usermq.logic;

import dev.usermq.repository.rpc.AuthzSrv;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An authz whose answers the model knows in advance: every permission is granted, except to the
 * users put on its deny list. Grants and revocations change nothing, so its answers do not depend
 * on when, or whether, they are delivered.
 */
final class DenyListAuthz implements AuthzSrv {

  private final Set<Long> denied = ConcurrentHashMap.newKeySet();

  /** From now on, every permission of the user is denied. */
  void deny(long userId) {
    denied.add(userId);
  }

  @Override
  public boolean checkPermission(long userId, String permission) {
    return !denied.contains(userId);
  }

  @Override
  public void grantRole(long userId, String role) {}

  @Override
  public void revokeRoles(long userId) {}
}
