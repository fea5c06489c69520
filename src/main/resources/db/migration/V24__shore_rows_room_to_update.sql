-- Room on each page for the new versions of the two rows a batch of readings rewrites per meter: the meter's state
-- (shore_meter_state: every batch that holds a reading of the meter) and its open session (shore_session: every batch
-- that extends it). PostgreSQL rewrites a row in place (a HOT update: no new entry in any of the table's indexes)
-- only when the update changes no indexed column, which these do not, and the row's page has room for the new
-- version. Packed full, the pages had none until pruning made some: with 5,000 meters (bench/ingest --meters 5000,
-- 2026-12-06) 59-67 % of the session updates and 66-74 % of the state updates were HOT, and each of the others wrote
-- an entry into every index of its table (six on shore_session), entries that vacuum then has to clear. A state row
-- is small and one per meter (well under a megabyte for 5,000 meters), so half of each page is kept free; a session
-- is rewritten while it is open, mostly on the newest pages, and never after, so a quarter. With this, 93 % and 96 %
-- in the same bench; PostgreSQL's CPU per reading did not change measurably (15.5-16.2 us against 16.0-16.6): the
-- room is for the indexes' sake, not for speed. Pages written from now on keep the room; a row updated without it
-- moves to such a page.
alter table shore_meter_state set (fillfactor = 50);
alter table shore_session set (fillfactor = 75);
