-- Every step rewrites its manifest's row, and since the state changes, PostgreSQL adds an entry to each of the
-- table's indexes (no HOT update): eleven of them, about half the cost of the step's most expensive statement
-- (pg_stat_statements in a bench/manifests run: the manifest's update took 0.5-0.7 ms of the 1.6-2.4 ms of PostgreSQL
-- time a step costs, 13 WAL records each; apart, on a copy of the table, 0.43-0.50 ms against 0.25 ms as a HOT
-- update). Two of them served nobody well:
-- * manifest_state_idx (state, stream): lists are read by port, vessel, facility or call, which have their indexes;
--   a state alone selects either the few open manifests (declared, received, in transfer: manifest_open_age_idx
--   holds exactly those) or a large share of all of them (closed), which a scan reads faster than an index.
-- * manifest_pending_idx (state, declared_at, received_at) where not overdue and open: the deadline watch's query
--   reads the open manifests through manifest_open_age_idx (the same rows: the open ones), with its states written
--   as literals so that the planner proves the index's condition for any plan.
drop index if exists manifest_state_idx;
drop index if exists manifest_pending_idx;

-- A chain's head moves with every entry of its manifest (a handful within minutes). Room left on each page lets
-- PostgreSQL rewrite the row in place (a HOT update: no new index entry), for pages written from now on.
alter table ledger_chain set (fillfactor = 50);
