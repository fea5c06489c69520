-- A stored answer (the manifest as the step left it, about 2-2.5 kB of JSON) made its row longer than the 2 kB past
-- which PostgreSQL compresses a row's values (pglz), on every idempotent POST: pglz took about 20 us of PostgreSQL CPU
-- per row (30,000 rows of such JSON inserted: 33 us a row compressed, 13 uncompressed) and was 1.2 % of all the CPU
-- used in a bench/manifests run (perf), for rows kept seven days. Rows up to 8,160 bytes are now stored as they are
-- (about 1.5 times the room on disk; compressed beyond that, as before).
alter table idempotency_key set (toast_tuple_target = 8160);
