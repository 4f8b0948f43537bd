-- Bumped by every write of a user or its bindings, in the writing transaction. The Redis cache of
-- users keeps the version beside each entry and never replaces an entry with an older one, so a
-- read that raced a write cannot leave a stale entry behind.
ALTER TABLE `user` ADD COLUMN cache_version BIGINT NOT NULL DEFAULT 0;
