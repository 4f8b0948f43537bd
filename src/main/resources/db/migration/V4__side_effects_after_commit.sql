-- Authz writes (GrantRole, RevokeRoles) change another team's system, which takes part in no
-- transaction of ours. They are written here in the transaction of the work that causes them and
-- delivered after its commit, at least once, in id order per user: never for a user whose row was
-- rolled back, and a revoke never overtaken by an older grant.
CREATE TABLE authz_command (
  id                 BIGINT        NOT NULL AUTO_INCREMENT,
  command_id         VARCHAR(128)  CHARACTER SET utf8mb4 COLLATE ${identifier_collation} NOT NULL
                                   COMMENT '<source message id>:<command>',
  command            VARCHAR(16)   NOT NULL COMMENT 'GRANT_ROLE, REVOKE_ROLES',
  user_id            BIGINT        NOT NULL,
  role               VARCHAR(64)   NOT NULL DEFAULT '',
  source_message_id  VARCHAR(64)   CHARACTER SET utf8mb4 COLLATE ${identifier_collation} NOT NULL,
  created_at         DATETIME(3)   NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  done_at            DATETIME(3)   NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uk_authz_command_command_id (command_id),
  KEY idx_authz_command_source_message_id (source_message_id),
  KEY idx_authz_command_user_pending (user_id, done_at, id),
  KEY idx_authz_command_pending (done_at, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
