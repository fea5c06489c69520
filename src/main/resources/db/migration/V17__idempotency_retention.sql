-- Idempotency keys are kept for shoreloop.idempotency.retention (seven days by default) and then deleted in batches
-- (IdempotencyPurge). Rows are only ever inserted, in time order, so a BRIN index on the time finds the old ones for
-- next to nothing per insert (a B-tree would add an index entry to every POST).
create index idempotency_key_created_brin on idempotency_key using brin (created_at);
