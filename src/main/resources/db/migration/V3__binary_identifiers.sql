-- Identifiers are opaque and compare byte for byte: `m-Ab` and `m-aB` are two messages, `oAbC` and
-- `oabc` two accounts. Under the server's default collation (case- and accent-insensitive) the
-- ledger took the second message for a duplicate of the first and REGISTER bound the second
-- account to the first one's user. ${identifier_collation} is the server's binary collation without
-- trailing-space padding (utf8mb4_nopad_bin on MariaDB, utf8mb4_0900_bin on MySQL 8), so that
-- `a` and `a ` differ too. Every value stored under the old collation is still unique under it.

ALTER TABLE auth_msg
  MODIFY message_id VARCHAR(64) CHARACTER SET utf8mb4 COLLATE ${identifier_collation} NOT NULL;

ALTER TABLE user_third_auth
  MODIFY platform VARCHAR(32) CHARACTER SET utf8mb4 COLLATE ${identifier_collation} NOT NULL,
  MODIFY open_id VARCHAR(128) CHARACTER SET utf8mb4 COLLATE ${identifier_collation} NOT NULL,
  MODIFY union_id VARCHAR(128) CHARACTER SET utf8mb4 COLLATE ${identifier_collation} NOT NULL DEFAULT '';

ALTER TABLE outbox
  MODIFY event_id VARCHAR(128) CHARACTER SET utf8mb4 COLLATE ${identifier_collation} NOT NULL
    COMMENT '<source message id>:<event type>',
  MODIFY event_type VARCHAR(64) CHARACTER SET utf8mb4 COLLATE ${identifier_collation} NOT NULL,
  MODIFY topic VARCHAR(249) CHARACTER SET utf8mb4 COLLATE ${identifier_collation} NOT NULL,
  MODIFY source_message_id VARCHAR(64) CHARACTER SET utf8mb4 COLLATE ${identifier_collation} NOT NULL;

ALTER TABLE dlq_redrive
  MODIFY dlq_topic VARCHAR(249) CHARACTER SET utf8mb4 COLLATE ${identifier_collation} NOT NULL,
  MODIFY message_id VARCHAR(64) CHARACTER SET utf8mb4 COLLATE ${identifier_collation} NULL,
  MODIFY target_topic VARCHAR(249) CHARACTER SET utf8mb4 COLLATE ${identifier_collation} NOT NULL;
