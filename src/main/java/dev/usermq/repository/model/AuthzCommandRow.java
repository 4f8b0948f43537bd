package dev.usermq.repository.model;

import java.time.LocalDateTime;
import org.springframework.data.annotation.Id;
import org.springframework.data.annotation.ReadOnlyProperty;
import org.springframework.data.relational.core.mapping.Table;

/**
 * A row of {@code authz_command}: an authz write (GrantRole, RevokeRoles) committed with the work
 * that causes it and delivered to the authz service after the commit.
 *
 * @param commandId stable id, {@code <source message id>:<command>}
 * @param doneAt when the authz service acknowledged it; null while pending
 */
@Table("authz_command")
public record AuthzCommandRow(
    @Id Long id,
    String commandId,
    String command,
    long userId,
    String role,
    String sourceMessageId,
    @ReadOnlyProperty LocalDateTime createdAt,
    LocalDateTime doneAt) {

  /** {@code command} of a GrantRole of {@code role}. */
  public static final String GRANT_ROLE = "GRANT_ROLE";

  /** {@code command} of a RevokeRoles. */
  public static final String REVOKE_ROLES = "REVOKE_ROLES";

  /** A GrantRole to insert. */
  public static AuthzCommandRow grantRole(String sourceMessageId, long userId, String role) {
    return newCommand(sourceMessageId, GRANT_ROLE, userId, role);
  }

  /** A RevokeRoles to insert. */
  public static AuthzCommandRow revokeRoles(String sourceMessageId, long userId) {
    return newCommand(sourceMessageId, REVOKE_ROLES, userId, "");
  }

  private static AuthzCommandRow newCommand(
      String sourceMessageId, String command, long userId, String role) {
    return new AuthzCommandRow(
        null, sourceMessageId + ":" + command, command, userId, role, sourceMessageId, null, null);
  }
}
