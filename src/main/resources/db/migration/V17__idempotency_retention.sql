-- Idempotency keys are kept for shoreloop.idempotency.retention (seven days by default) and then deleted in batches
-- (IdempotencyPurge). Rows are only ever inserted, in time order, so a BRIN index on the time finds the old ones for
-- next to nothing per insert (a B-tree would add an index entry to every POST).
create index idempotency_key_created_brin on idempotency_key using brin (created_at);

-- A stored answer (a manifest with its steps: 2-4 kB of JSON) used to exceed the 2 kB at which PostgreSQL compresses
-- a row (pglz: 1.7 % of PostgreSQL's CPU in bench/manifests, for rows read back only on a retry and deleted after the
-- retention); rows up to a page are now stored as they are.
alter table idempotency_key set (toast_tuple_target = 8160);
