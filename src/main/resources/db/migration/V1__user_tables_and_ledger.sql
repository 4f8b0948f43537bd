-- Runs on MySQL 8 and MariaDB 10.11+. Column names and meanings of user, user_third_auth and
-- auth_msg are read by reports and other services: add beside them, never rename.

CREATE TABLE `user` (
  id          BIGINT        NOT NULL AUTO_INCREMENT,
  nickname    VARCHAR(64)   NOT NULL DEFAULT '',
  avatar_url  VARCHAR(512)  NOT NULL DEFAULT '',
  status      TINYINT       NOT NULL COMMENT '1 active, 2 deactivated',
  created_at  DATETIME(3)   NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at  DATETIME(3)   NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE TABLE user_third_auth (
  id          BIGINT        NOT NULL AUTO_INCREMENT,
  user_id     BIGINT        NOT NULL,
  platform    VARCHAR(32)   NOT NULL,
  open_id     VARCHAR(128)  NOT NULL,
  union_id    VARCHAR(128)  NOT NULL DEFAULT '',
  created_at  DATETIME(3)   NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  UNIQUE KEY uk_user_third_auth_platform_open_id (platform, open_id),
  KEY idx_user_third_auth_user_id (user_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- The ledger: one row per processed message, written in the transaction of its business rows.
-- outcome is NULL only inside that transaction, between the claim and markAsProcessed.
CREATE TABLE auth_msg (
  id            BIGINT       NOT NULL AUTO_INCREMENT,
  message_id    VARCHAR(64)  NOT NULL,
  kind          VARCHAR(16)  NOT NULL COMMENT 'REGISTER, BIND, UNBIND, DEACTIVATE',
  user_id       BIGINT       NOT NULL DEFAULT 0,
  outcome       VARCHAR(16)  NULL COMMENT 'APPLIED, REJECTED, NOOP',
  processed     TINYINT      NOT NULL DEFAULT 0,
  process_time  DATETIME(3)  NULL,
  created_at    DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  UNIQUE KEY uk_auth_msg_message_id (message_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- Transactional outbox: the events of an applied message, committed with it and published after.
CREATE TABLE outbox (
  id                 BIGINT         NOT NULL AUTO_INCREMENT,
  event_id           VARCHAR(128)   NOT NULL COMMENT '<source message id>:<event type>',
  event_type         VARCHAR(64)    NOT NULL,
  topic              VARCHAR(249)   NOT NULL,
  record_key         VARCHAR(32)    NOT NULL,
  payload            VARBINARY(1024) NOT NULL,
  source_message_id  VARCHAR(64)    NOT NULL,
  created_at         DATETIME(3)    NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  sent_at            DATETIME(3)    NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uk_outbox_event_id (event_id),
  KEY idx_outbox_source_message_id (source_message_id),
  KEY idx_outbox_unsent (sent_at, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
