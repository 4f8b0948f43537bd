-- The ledger's retention deletes its oldest rows in small batches (routes/retention.camel.yaml):
-- found by this index, without a scan of the table. InnoDB and MariaDB build it online (reads and
-- writes of auth_msg go on meanwhile); on a large ledger it takes minutes at the first start.
CREATE INDEX idx_auth_msg_created_at ON auth_msg (created_at);
