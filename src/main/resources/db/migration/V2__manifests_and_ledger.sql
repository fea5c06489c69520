-- Closed-loop pollutant e-manifests (电子联单) and the hash-chained ledger of their events.

create sequence manifest_number_seq;

create table manifest (
    id                 uuid primary key,
    number             text not null unique,
    call_id            uuid not null references vessel_call (id),
    vessel_id          uuid not null references vessel (id),
    port_id            uuid not null references port (id),
    stream             text not null check (stream in ('SEWAGE', 'OILY_WATER', 'TANK_WASHING', 'GARBAGE')),
    unit               text not null check (unit in ('M3', 'KG')),
    state              text not null check (state in ('DRAFT', 'DECLARED', 'RECEIVED', 'IN_TRANSFER', 'DISPOSED', 'CANCELLED', 'REFUSED')),
    receiver_id        uuid references facility (id),
    next_party_id      uuid,
    declared_qty       numeric(14, 3) not null check (declared_qty > 0),
    declared_method    text not null,
    current_qty        numeric(14, 3) not null check (current_qty >= 0),
    cargo_name         text,
    nls_category       text check (nls_category in ('X', 'Y', 'Z', 'OS')),
    garbage_category   text check (garbage_category ~ '^[A-K]$'),
    parent_id          uuid references manifest (id),
    note               text,
    cancel_reason      text,
    overdue            boolean not null default false,
    overdue_since      timestamptz,
    overdue_deadline   text check (overdue_deadline in ('RECEIPT', 'PICKUP', 'DISPOSAL')),
    discrepant         boolean not null default false,
    created_by         uuid not null,
    created_at         timestamptz not null,
    declared_at        timestamptz,
    received_at        timestamptz,
    closed_at          timestamptz,
    revision           integer not null default 1,
    updated_at         timestamptz not null,
    version            bigint not null default 0
);
create index manifest_vessel_idx on manifest (vessel_id, created_at);
create index manifest_port_idx on manifest (port_id, created_at);
create index manifest_state_idx on manifest (state, stream);
create index manifest_receiver_idx on manifest (receiver_id);
create index manifest_next_party_idx on manifest (next_party_id);
create index manifest_pending_idx on manifest (state, declared_at, received_at) where not overdue and state in ('DECLARED', 'RECEIVED', 'IN_TRANSFER');

-- One row per signed step: the party that took the batch over (or the crew that declared it).
create table manifest_step (
    manifest_id    uuid not null references manifest (id),
    seq            integer not null,
    action         text not null,
    user_id        uuid not null,
    party_id       uuid,
    role           text not null,
    at             timestamptz not null,
    quantity       numeric(14, 3),
    method         text check (method in ('DECLARED', 'METERED', 'WEIGHED', 'GAUGED')),
    vehicle        text,
    treatment      text,
    next_party_id  uuid,
    reason         text,
    refused_qty    numeric(14, 3),
    corrects_seq   integer,
    evidence       text,
    content_hash   text not null,
    primary key (manifest_id, seq)
);
create index manifest_step_party_idx on manifest_step (party_id);

create table manifest_discrepancy (
    id              uuid primary key,
    manifest_id     uuid not null references manifest (id),
    step_seq        integer not null,
    previous_qty    numeric(14, 3) not null,
    new_qty         numeric(14, 3) not null,
    deviation_pct   numeric(8, 2) not null,
    opened_at       timestamptz not null,
    previous_party  uuid,
    new_party       uuid,
    previous_explanation text,
    new_explanation text,
    resolved_at     timestamptz,
    resolution      text,
    resolved_by     uuid,
    escalated       boolean not null default false,
    version         bigint not null default 0
);
create index manifest_discrepancy_open_idx on manifest_discrepancy (manifest_id) where resolved_at is null;

-- The ledger: every manifest event, hash-chained per manifest (each entry stores the previous entry's hash).
-- Chains per manifest never contend with each other; ledger_chain stores each chain's length and head, so a
-- truncated or deleted chain is detected too.
-- Corrections after closure: proposed by a party, applied as a new revision once every affected party approved.
create table manifest_correction (
    id               uuid primary key,
    manifest_id      uuid not null references manifest (id),
    step_seq         integer not null,
    new_quantity     numeric(14, 3) not null check (new_quantity > 0),
    new_method       text check (new_method in ('DECLARED', 'METERED', 'WEIGHED', 'GAUGED')),
    reason           text not null,
    proposed_by      uuid not null,
    proposed_party   uuid,
    required_parties text not null,
    approved_parties text not null,
    state            text not null check (state in ('PENDING', 'APPLIED', 'REJECTED')),
    created_at       timestamptz not null,
    decided_at       timestamptz,
    version          bigint not null default 0
);
create index manifest_correction_manifest_idx on manifest_correction (manifest_id);

create table ledger_entry (
    global_seq    bigserial not null unique,
    manifest_id   uuid not null references manifest (id),
    seq           integer not null,
    event_type    text not null,
    payload       text not null,
    prev_hash     text not null,
    hash          text not null,
    recorded_at   timestamptz not null,
    primary key (manifest_id, seq)
);

create table ledger_chain (
    manifest_id  uuid primary key references manifest (id),
    length       integer not null,
    head         text not null
);

-- Signed checkpoints: each covers the entries appended since the previous one (by global_seq), as a Merkle root
-- (RFC 6962 hashing), chained to the previous checkpoint and signed with the service key. A rewrite of the whole
-- ledger table is detected against any earlier checkpoint a bureau kept.
create table ledger_checkpoint (
    seq               bigint primary key,
    covered_from      bigint not null,
    covered_to        bigint not null,
    entry_count       bigint not null,
    batch_root        text not null,
    prev_hash         text not null,
    hash              text not null,
    created_at        timestamptz not null,
    signature         text,
    key_id            text
);

-- Append-only, enforced in the database: no role updates or deletes ledger entries.
create function ledger_entry_is_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'ledger entries are append-only (% refused)', tg_op using errcode = '42501';
end
$$;
create trigger ledger_entry_append_only before update or delete on ledger_entry
    for each row execute function ledger_entry_is_append_only();
create trigger ledger_entry_no_truncate before truncate on ledger_entry
    for each statement execute function ledger_entry_is_append_only();
create trigger ledger_checkpoint_append_only before update or delete on ledger_checkpoint
    for each row execute function ledger_entry_is_append_only();

-- Evidence (photos, weighbridge tickets, flowmeter logs) uploaded for a manifest, identified by its content hash.
create table manifest_evidence (
    id            uuid primary key,
    manifest_id   uuid not null references manifest (id),
    sha256        text not null,
    content_type  text not null,
    size_bytes    integer not null,
    filename      text,
    latitude      numeric(9, 6) check (latitude between -90 and 90),
    longitude     numeric(9, 6) check (longitude between -180 and 180),
    note          text,
    uploaded_by   uuid not null,
    party_id      uuid,
    uploaded_at   timestamptz not null,
    content       bytea not null
);
create index manifest_evidence_manifest_idx on manifest_evidence (manifest_id);
create trigger manifest_evidence_append_only before update or delete on manifest_evidence
    for each row execute function ledger_entry_is_append_only();
