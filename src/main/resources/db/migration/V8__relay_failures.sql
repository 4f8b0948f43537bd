-- The outbox relay (routes/outbound-events.camel.yaml) counts the failed deliveries of each row it
-- takes, and takes the rows that failed least first: a row that keeps failing goes behind every
-- other pending row, so it never holds them up, and is still tried again. Ops see here which rows
-- keep failing (relay_failures > 0 while sent_at / done_at is NULL).
-- A column with a constant default at the end of the table: MySQL 8 and MariaDB 10.11 add it
-- instantly (metadata only, no copy of the table), however many rows it has. An older version of
-- the service runs on this schema unchanged: it never names the column.
ALTER TABLE outbox
  ADD COLUMN relay_failures INT NOT NULL DEFAULT 0 COMMENT 'failed deliveries by the relay';
ALTER TABLE authz_command
  ADD COLUMN relay_failures INT NOT NULL DEFAULT 0 COMMENT 'failed deliveries by the relay';
