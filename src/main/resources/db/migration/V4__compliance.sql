-- Compliance: berth and meter faults (Art. 18 fault records), per-call verdicts with their reasoning, and the
-- bureaus' reviews of them (history kept). V3 is the shore-power migration.

-- Faults of a berth's shore-power supply (or one of its meters), recorded by the berth operator --------------------
create table berth_fault (
    id           uuid primary key,
    berth_id     uuid not null references berth (id),
    meter_id     uuid references meter (id),
    started_at   timestamptz not null,
    ended_at     timestamptz,
    repaired_at  timestamptz,
    description  text not null,
    recorded_by  uuid not null references app_user (id),
    recorded_at  timestamptz not null,
    check (ended_at is null or ended_at > started_at),
    check (repaired_at is null or repaired_at >= started_at)
);
create index berth_fault_berth_idx on berth_fault (berth_id, started_at);

-- One verdict per call and kind, recomputed whenever the call's inputs change ------------------------------------
-- outcome is what the rules say; effective_outcome is what a bureau's latest review of this very computation says
-- (equal to outcome when there is none, or when the inputs changed since). The call's vessel, port, berth and times
-- are copied so that lists filter and scope without a join.
create table call_verdict (
    id                 uuid primary key,
    call_id            uuid not null references vessel_call (id),
    kind               text not null check (kind in ('SHORE_POWER', 'ZERO_DISCHARGE', 'TANK_WASHING')),
    outcome            text not null check (outcome in ('COMPLIANT', 'EXEMPT', 'VIOLATION', 'FLAGGED', 'NOT_APPLICABLE', 'PENDING')),
    effective_outcome  text not null check (effective_outcome in ('COMPLIANT', 'EXEMPT', 'VIOLATION', 'FLAGGED', 'NOT_APPLICABLE', 'PENDING')),
    reasoning          text not null,
    figures            jsonb not null,
    inputs_hash        text not null,
    vessel_id          uuid not null references vessel (id),
    port_id            uuid not null references port (id),
    berth_id           uuid not null references berth (id),
    arrival            timestamptz not null,
    departure          timestamptz,
    computed_at        timestamptz not null,
    version            bigint not null default 0,
    unique (call_id, kind)
);
create index call_verdict_port_idx on call_verdict (port_id, arrival);
create index call_verdict_vessel_idx on call_verdict (vessel_id, arrival);
create index call_verdict_outcome_idx on call_verdict (effective_outcome, kind);

-- A bureau confirms or overturns a verdict; never updated or deleted ---------------------------------------------
create table verdict_review (
    id                uuid primary key,
    verdict_id        uuid not null references call_verdict (id),
    decision          text not null check (decision in ('CONFIRM', 'OVERTURN')),
    reviewed_outcome  text not null,
    inputs_hash       text not null,
    outcome           text not null check (outcome in ('COMPLIANT', 'EXEMPT', 'VIOLATION', 'FLAGGED', 'NOT_APPLICABLE', 'PENDING')),
    reason            text,
    reviewer_id       uuid not null references app_user (id),
    bureau_id         uuid not null references bureau (id),
    reviewed_at       timestamptz not null,
    check (decision = 'CONFIRM' or reason is not null)
);
create index verdict_review_verdict_idx on verdict_review (verdict_id, reviewed_at);

-- Recomputing a call reads its manifests
create index if not exists manifest_call_idx on manifest (call_id);
