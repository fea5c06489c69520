-- Departures as the stored shore-power sessions know them. A session still supplying at the departure of the call at
-- its berth ends there (flag CLOSED_AT_DEPARTURE), so the sessions of a berth's meters are derived from its readings
-- and from these departures: one row per active call with a departure, at the berth it had when the sessions were
-- last brought in line with it. Ingestion reads this table, never vessel_call, so that stored sessions always match
-- it; the departure sync (scheduled with the session rematch) compares it with vessel_call, re-derives the meters of
-- the berths whose departures were added, moved or removed (from the session containing the earliest of them) and
-- updates the rows in the same transaction. Empty at first: the first sync takes every departure, and so also
-- mends sessions stored before this rule.
create table shore_call_departure (
    call_id    uuid primary key references vessel_call (id),
    berth_id   uuid not null references berth (id),
    departure  timestamptz not null
);
create index shore_call_departure_berth_idx on shore_call_departure (berth_id, departure);
