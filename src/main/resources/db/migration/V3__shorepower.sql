-- Shore power: meter readings (the big table), dead letters, sessions, per-meter resume state, meter status history.
-- Released migrations are never edited; add a new V<n>__*.sql instead.

-- Readings ------------------------------------------------------------------------------------------------------
-- Range-partitioned by month on ts, so that old months can be detached / archived without touching live ones and
-- time-range scans prune to the months asked for. The primary key (meter_id, ts) is the contract's identity of a
-- reading: a duplicate delivery is absorbed by "insert ... on conflict do nothing". It also serves per-meter range
-- scans (session building). A BRIN index on ts serves scans across meters by time at a tiny size (rows arrive
-- roughly in time order). No foreign key to meter: the ingest resolves meters before it inserts, and a per-row FK
-- check would cost insert speed on the largest table.
create table meter_reading (
    meter_id        uuid not null,
    ts              timestamptz not null,
    seq             bigint not null check (seq >= 0),
    register_wh     bigint not null check (register_wh >= 0),
    power_kw        double precision check (power_kw >= 0),
    voltage_v       double precision check (voltage_v >= 0),
    current_a       double precision check (current_a >= 0),
    frequency_hz    double precision check (frequency_hz >= 0),
    breaker_closed  boolean,
    vessel_mmsi     text,
    received_at     timestamptz not null,
    primary key (meter_id, ts)
) partition by range (ts);

create index meter_reading_ts_brin on meter_reading using brin (ts);

-- Readings outside every monthly partition (far past or future) land here; shorepower_ensure_partition creates the
-- months around "now" ahead of time (called at start-up and daily), so the default partition stays (nearly) empty.
create table meter_reading_default partition of meter_reading default;

create function shorepower_ensure_partition(month date) returns void language plpgsql as $$
declare
    first date := date_trunc('month', month)::date;
    name text := 'meter_reading_' || to_char(first, 'YYYY_MM');
begin
    if to_regclass(name) is null then
        -- refuses (and so leaves the month to the default partition) if the default already holds rows of it
        if not exists (select 1 from meter_reading_default where ts >= first and ts < (first + interval '1 month')) then
            execute format('create table %I partition of meter_reading for values from (%L) to (%L)',
                           name, first::timestamptz, (first + interval '1 month')::timestamptz);
        end if;
    end if;
end;
$$;

do $$
declare
    m date;
begin
    for m in select generate_series(date_trunc('month', now()) - interval '12 months',
                                    date_trunc('month', now()) + interval '3 months', interval '1 month')::date loop
        perform shorepower_ensure_partition(m);
    end loop;
end;
$$;

-- Dead letters --------------------------------------------------------------------------------------------------
create table dead_letter (
    id                 bigint generated always as identity primary key,
    topic              text not null,
    port_id            uuid references port (id),
    meter_code         text,
    payload            text not null,
    payload_truncated  boolean not null default false,
    reason             text not null,
    received_at        timestamptz not null
);
create index dead_letter_received_idx on dead_letter (received_at desc);
create index dead_letter_port_idx on dead_letter (port_id, received_at desc);

-- Sessions ------------------------------------------------------------------------------------------------------
create table shore_session (
    meter_id          uuid not null references meter (id),
    start_ts          timestamptz not null,
    end_ts            timestamptz not null,
    metered_from      timestamptz not null,
    status            text not null check (status in ('OPEN', 'CLOSED', 'INTERRUPTED')),
    energy_wh         bigint not null check (energy_wh >= 0),
    rejected_wh       bigint not null check (rejected_wh >= 0),
    reading_count     integer not null,
    peak_kw           double precision,
    longest_gap_s     bigint not null default 0,
    vessel_mmsi       text,
    flags             text[] not null default '{}',
    berth_id          uuid not null references berth (id),
    port_id           uuid not null references port (id),
    call_id           uuid references vessel_call (id),
    match_outcome     text not null check (match_outcome in ('MATCHED', 'UNMATCHED', 'AMBIGUOUS', 'VESSEL_MISMATCH')),
    match_candidates  uuid[] not null default '{}',
    updated_at        timestamptz not null default now(),
    primary key (meter_id, start_ts),
    check (end_ts >= start_ts)
);
create index shore_session_berth_idx on shore_session (berth_id, start_ts);
create index shore_session_port_idx on shore_session (port_id, start_ts);
create index shore_session_call_idx on shore_session (call_id);
create index shore_session_unmatched_idx on shore_session (berth_id, start_ts) where match_outcome <> 'MATCHED';

-- Per-meter state: where session building can resume, and the running energy balance -----------------------------
-- resumable_after is MeterTimeline.resumableAfter(): a batch whose readings all lie after it re-derives from there
-- (loading that reading and the ones after it), never from the meter's first reading. Every cursor ever reported
-- is kept in shore_meter_cursor, so that a late batch reaching back before the latest cursor can resume from the
-- latest earlier one (a cursor depends only on the readings up to it). version counts the batches applied, so that
-- an in-memory timeline can tell whether it is still the one the database reflects.
create table shore_meter_state (
    meter_id          uuid primary key references meter (id),
    resumable_after   timestamptz,
    last_reading_at   timestamptz,
    last_received_at  timestamptz,
    reading_count     bigint not null default 0,
    metered_wh        bigint not null default 0,
    session_wh        bigint not null default 0,
    unallocated_wh    bigint not null default 0,
    rejected_wh       bigint not null default 0,
    online            boolean,
    online_since      timestamptz,
    version           bigint not null default 0,
    updated_at        timestamptz not null default now()
);

create table shore_meter_cursor (
    meter_id  uuid not null references meter (id),
    ts        timestamptz not null,
    primary key (meter_id, ts)
);

-- Meter liveness history ----------------------------------------------------------------------------------------
create table meter_status (
    id           bigint generated always as identity primary key,
    meter_id     uuid not null references meter (id),
    online       boolean not null,
    source       text not null check (source in ('STATUS_TOPIC', 'SILENCE', 'READING')),
    at           timestamptz not null,
    recorded_at  timestamptz not null default now()
);
create index meter_status_meter_idx on meter_status (meter_id, recorded_at desc);
