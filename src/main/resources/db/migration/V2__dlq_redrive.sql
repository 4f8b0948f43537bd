-- One row per dead letter replayed by `redrive-dlq`: a dead letter is redriven once, however
-- often the command runs.
CREATE TABLE dlq_redrive (
  id              BIGINT        NOT NULL AUTO_INCREMENT,
  dlq_topic       VARCHAR(249)  NOT NULL,
  dlq_partition   INT           NOT NULL,
  dlq_offset      BIGINT        NOT NULL,
  message_id      VARCHAR(64)   NULL,
  target_topic    VARCHAR(249)  NOT NULL,
  redriven_at     DATETIME(3)   NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  UNIQUE KEY uk_dlq_redrive_record (dlq_topic, dlq_partition, dlq_offset)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
