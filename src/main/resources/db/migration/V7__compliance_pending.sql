-- Calls whose verdicts must be recomputed because a manifest step changed their inputs. Marked inside the signing
-- transaction (so a committed step always leaves its mark), drained after commit by a worker that recomputes each
-- call once however many steps marked it meanwhile (coalescing), and that several instances share (skip locked).
create table compliance_pending (
    call_id     uuid primary key references vessel_call (id),
    marked_at   timestamptz not null default now(),
    attempts    int not null default 0,
    not_before  timestamptz not null default now()
);
create index compliance_pending_due_idx on compliance_pending (not_before);
