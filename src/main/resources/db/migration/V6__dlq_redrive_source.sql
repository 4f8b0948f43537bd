-- Where each redriven dead letter came from (its dlq-source-* headers). A crash between the DLQ
-- send and the offset commit leaves several copies of one record in the DLQ, all with the same
-- source; `redrive-dlq` redrives one of them and recognises the others by this key. NULL for a
-- dead letter without those headers, and for rows written before this migration until the
-- redrive meets their dead letter again. Topic names compare byte for byte.
ALTER TABLE dlq_redrive
  ADD COLUMN source_topic     VARCHAR(249) CHARACTER SET utf8mb4 COLLATE ${identifier_collation} NULL
    AFTER message_id,
  ADD COLUMN source_partition INT          NULL AFTER source_topic,
  ADD COLUMN source_offset    BIGINT       NULL AFTER source_partition,
  ADD UNIQUE KEY uk_dlq_redrive_source (source_topic, source_partition, source_offset);
