-- A berth's shore-power capacity bounds the energy its meters' readings may plausibly show. Sessions are derived again
-- whenever a late reading or a call's departure touches them; a capacity changed under a history judged its old
-- readings with the new one. Each change is kept, in effect from a time after every reading already stored and after
-- every instance has heard of it (BerthService), so that each reading is judged with the capacity of its time.
-- Capacities as the accounting reads them: kVA, 1,000 where the berth offers no capacity.
create table berth_capacity_change (
    berth_id        uuid not null references berth (id),
    effective_from  timestamptz not null,
    before_kva      numeric(12, 1) not null check (before_kva > 0),
    after_kva       numeric(12, 1) not null check (after_kva > 0),
    changed_at      timestamptz not null default now(),
    primary key (berth_id, effective_from)
);
