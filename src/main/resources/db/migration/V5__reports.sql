-- Bureau reports (package report): an incrementally maintained, pre-aggregated read model of manifest closure.
--
-- report_manifest_fact_v derives, from the manifest tables only, what each declared (and not cancelled) manifest
-- contributes: its keys (port, vessel, receiving facility, stream, unit, month of declaration in China Standard
-- Time) and its stages. report_manifest_fact keeps the last contribution of every manifest, so that report_apply(id),
-- called in the signing transaction, subtracts the old contribution and adds the new one to the two aggregates:
-- report_closure (port x facility x stream x unit x month) and report_closure_vessel (vessel x port x stream x unit x
-- month). The signing transaction only appends its change to a delta table (no row lock shared with other signings,
-- so a busy port's month never serialises its signings); report_compact(), run every few seconds, folds the deltas
-- into the aggregates, and readers sum aggregate and delta rows in one statement, so the figures are always exact.
-- report_rebuild() recomputes everything from the same view: incremental and rebuilt numbers are the same SQL.
--
-- Stages: declared = declared and not cancelled (declared_qty); received = received_at set (quantity accepted at the
-- first handover); transferred = the second handover accepted a quantity (a transporter's pickup, or the receiver's own
-- disposal on the direct path); disposed = state DISPOSED (current_qty). A correction of a handover's quantity
-- replaces it. Time to close (declared -> disposed) is counted in 13 fixed buckets h00..h12 with the upper bounds
-- 1, 2, 4, 8, 12, 24, 48, 72, 120, 168, 336, 720 hours and open-ended.

create view report_manifest_fact_v as
select m.id                                                                    as manifest_id,
       m.port_id                                                               as port_id,
       m.vessel_id                                                             as vessel_id,
       m.receiver_id                                                           as receiver_id,
       m.stream                                                                as stream,
       m.unit                                                                  as unit,
       (date_trunc('month', m.declared_at at time zone 'Asia/Shanghai'))::date as month,
       1                                                                       as declared_n,
       (m.received_at is not null)::int                                        as received_n,
       (coalesce(h.q2, 0) > 0)::int                                            as transferred_n,
       (m.state = 'DISPOSED')::int                                             as disposed_n,
       (m.state in ('DECLARED', 'RECEIVED', 'IN_TRANSFER'))::int               as open_n,
       (m.state = 'REFUSED')::int                                              as refused_n,
       m.overdue::int                                                          as overdue_n,
       m.discrepant::int                                                       as discrepant_n,
       m.declared_qty::numeric(20, 3)                                          as declared_qty,
       (case when m.received_at is not null then coalesce(h.q1, 0) else 0 end)::numeric(20, 3) as received_qty,
       (case when coalesce(h.q2, 0) > 0 then h.q2 else 0 end)::numeric(20, 3)  as transferred_qty,
       (case when m.state = 'DISPOSED' then m.current_qty else 0 end)::numeric(20, 3) as disposed_qty,
       (case when m.state = 'DISPOSED' and m.closed_at is not null
             then width_bucket(extract(epoch from m.closed_at - m.declared_at) / 3600.0,
                               array[1, 2, 4, 8, 12, 24, 48, 72, 120, 168, 336, 720]::numeric[])
        end)::smallint                                                         as ttc_bucket
from manifest m
left join lateral (
    select min(x.qty) filter (where x.n = 1) as q1, min(x.qty) filter (where x.n = 2) as q2
    from (select row_number() over (order by s.seq) as n,
                 coalesce((select c.quantity from manifest_step c
                           where c.manifest_id = s.manifest_id and c.action = 'CORRECT' and c.corrects_seq = s.seq
                           order by c.seq desc limit 1), s.quantity) as qty
          from manifest_step s
          where s.manifest_id = m.id and s.action in ('RECEIVE', 'PICKUP', 'DISPOSE', 'REFUSE')
          order by s.seq
          limit 2) x
) h on m.received_at is not null
where m.declared_at is not null and m.state <> 'CANCELLED';

create table report_manifest_fact (
    manifest_id      uuid primary key,
    port_id          uuid not null,
    vessel_id        uuid not null,
    receiver_id      uuid not null,
    stream           text not null,
    unit             text not null,
    month            date not null,
    declared_n       integer not null,
    received_n       integer not null,
    transferred_n    integer not null,
    disposed_n       integer not null,
    open_n           integer not null,
    refused_n        integer not null,
    overdue_n        integer not null,
    discrepant_n     integer not null,
    declared_qty     numeric(20, 3) not null,
    received_qty     numeric(20, 3) not null,
    transferred_qty  numeric(20, 3) not null,
    disposed_qty     numeric(20, 3) not null,
    ttc_bucket       smallint
);

create table report_closure (
    port_id          uuid not null,
    receiver_id      uuid not null,
    stream           text not null,
    unit             text not null,
    month            date not null,
    declared_n       bigint not null default 0,
    received_n       bigint not null default 0,
    transferred_n    bigint not null default 0,
    disposed_n       bigint not null default 0,
    open_n           bigint not null default 0,
    refused_n        bigint not null default 0,
    overdue_n        bigint not null default 0,
    discrepant_n     bigint not null default 0,
    declared_qty     numeric(20, 3) not null default 0,
    received_qty     numeric(20, 3) not null default 0,
    transferred_qty  numeric(20, 3) not null default 0,
    disposed_qty     numeric(20, 3) not null default 0,
    h00              bigint not null default 0,
    h01              bigint not null default 0,
    h02              bigint not null default 0,
    h03              bigint not null default 0,
    h04              bigint not null default 0,
    h05              bigint not null default 0,
    h06              bigint not null default 0,
    h07              bigint not null default 0,
    h08              bigint not null default 0,
    h09              bigint not null default 0,
    h10              bigint not null default 0,
    h11              bigint not null default 0,
    h12              bigint not null default 0,
    primary key (port_id, receiver_id, stream, unit, month)
);

create table report_closure_vessel (
    vessel_id        uuid not null,
    port_id          uuid not null,
    stream           text not null,
    unit             text not null,
    month            date not null,
    declared_n       bigint not null default 0,
    received_n       bigint not null default 0,
    transferred_n    bigint not null default 0,
    disposed_n       bigint not null default 0,
    open_n           bigint not null default 0,
    refused_n        bigint not null default 0,
    overdue_n        bigint not null default 0,
    discrepant_n     bigint not null default 0,
    declared_qty     numeric(20, 3) not null default 0,
    received_qty     numeric(20, 3) not null default 0,
    transferred_qty  numeric(20, 3) not null default 0,
    disposed_qty     numeric(20, 3) not null default 0,
    h00              bigint not null default 0,
    h01              bigint not null default 0,
    h02              bigint not null default 0,
    h03              bigint not null default 0,
    h04              bigint not null default 0,
    h05              bigint not null default 0,
    h06              bigint not null default 0,
    h07              bigint not null default 0,
    h08              bigint not null default 0,
    h09              bigint not null default 0,
    h10              bigint not null default 0,
    h11              bigint not null default 0,
    h12              bigint not null default 0,
    primary key (vessel_id, port_id, stream, unit, month)
);

create index report_closure_month_idx on report_closure (month, port_id);

create index report_closure_empty_idx on report_closure (declared_n) where declared_n = 0;

create index report_closure_vessel_empty_idx on report_closure_vessel (declared_n) where declared_n = 0;

-- Changes not yet folded into the aggregates (same columns; many rows per key).

create table report_closure_delta (like report_closure including defaults);

create table report_closure_vessel_delta (like report_closure_vessel including defaults);

create index report_closure_vessel_month_idx on report_closure_vessel (month, port_id);

-- Adds (sign 1) or subtracts (sign -1) one manifest's contribution, as delta rows of both aggregates.
create function report_add(f report_manifest_fact, sign integer) returns void language plpgsql as $$
begin
    insert into report_closure_delta (port_id, receiver_id, stream, unit, month, declared_n, received_n, transferred_n, disposed_n, open_n, refused_n, overdue_n, discrepant_n, declared_qty, received_qty, transferred_qty, disposed_qty, h00, h01, h02, h03, h04, h05, h06, h07, h08, h09, h10, h11, h12)
    values (f.port_id,
            f.receiver_id,
            f.stream,
            f.unit,
            f.month,
            sign * f.declared_n,
            sign * f.received_n,
            sign * f.transferred_n,
            sign * f.disposed_n,
            sign * f.open_n,
            sign * f.refused_n,
            sign * f.overdue_n,
            sign * f.discrepant_n,
            sign * f.declared_qty,
            sign * f.received_qty,
            sign * f.transferred_qty,
            sign * f.disposed_qty,
            case when f.ttc_bucket = 0 then sign else 0 end,
            case when f.ttc_bucket = 1 then sign else 0 end,
            case when f.ttc_bucket = 2 then sign else 0 end,
            case when f.ttc_bucket = 3 then sign else 0 end,
            case when f.ttc_bucket = 4 then sign else 0 end,
            case when f.ttc_bucket = 5 then sign else 0 end,
            case when f.ttc_bucket = 6 then sign else 0 end,
            case when f.ttc_bucket = 7 then sign else 0 end,
            case when f.ttc_bucket = 8 then sign else 0 end,
            case when f.ttc_bucket = 9 then sign else 0 end,
            case when f.ttc_bucket = 10 then sign else 0 end,
            case when f.ttc_bucket = 11 then sign else 0 end,
            case when f.ttc_bucket = 12 then sign else 0 end);
    insert into report_closure_vessel_delta (vessel_id, port_id, stream, unit, month, declared_n, received_n, transferred_n, disposed_n, open_n, refused_n, overdue_n, discrepant_n, declared_qty, received_qty, transferred_qty, disposed_qty, h00, h01, h02, h03, h04, h05, h06, h07, h08, h09, h10, h11, h12)
    values (f.vessel_id,
            f.port_id,
            f.stream,
            f.unit,
            f.month,
            sign * f.declared_n,
            sign * f.received_n,
            sign * f.transferred_n,
            sign * f.disposed_n,
            sign * f.open_n,
            sign * f.refused_n,
            sign * f.overdue_n,
            sign * f.discrepant_n,
            sign * f.declared_qty,
            sign * f.received_qty,
            sign * f.transferred_qty,
            sign * f.disposed_qty,
            case when f.ttc_bucket = 0 then sign else 0 end,
            case when f.ttc_bucket = 1 then sign else 0 end,
            case when f.ttc_bucket = 2 then sign else 0 end,
            case when f.ttc_bucket = 3 then sign else 0 end,
            case when f.ttc_bucket = 4 then sign else 0 end,
            case when f.ttc_bucket = 5 then sign else 0 end,
            case when f.ttc_bucket = 6 then sign else 0 end,
            case when f.ttc_bucket = 7 then sign else 0 end,
            case when f.ttc_bucket = 8 then sign else 0 end,
            case when f.ttc_bucket = 9 then sign else 0 end,
            case when f.ttc_bucket = 10 then sign else 0 end,
            case when f.ttc_bucket = 11 then sign else 0 end,
            case when f.ttc_bucket = 12 then sign else 0 end);
end
$$;

-- Folds the committed deltas into the aggregates (rows left empty go); answers the number of aggregate rows touched.
create function report_compact() returns bigint language plpgsql as $$
declare
    n bigint;
    folded bigint := 0;
begin
    with d as (delete from report_closure_delta returning *)
    insert into report_closure as t (port_id, receiver_id, stream, unit, month, declared_n, received_n, transferred_n, disposed_n, open_n, refused_n, overdue_n, discrepant_n, declared_qty, received_qty, transferred_qty, disposed_qty, h00, h01, h02, h03, h04, h05, h06, h07, h08, h09, h10, h11, h12)
    select port_id, receiver_id, stream, unit, month, sum(declared_n), sum(received_n), sum(transferred_n), sum(disposed_n), sum(open_n), sum(refused_n), sum(overdue_n), sum(discrepant_n), sum(declared_qty), sum(received_qty), sum(transferred_qty), sum(disposed_qty), sum(h00), sum(h01), sum(h02), sum(h03), sum(h04), sum(h05), sum(h06), sum(h07), sum(h08), sum(h09), sum(h10), sum(h11), sum(h12) from d group by port_id, receiver_id, stream, unit, month
    on conflict (port_id, receiver_id, stream, unit, month) do update set
            declared_n = t.declared_n + excluded.declared_n,
            received_n = t.received_n + excluded.received_n,
            transferred_n = t.transferred_n + excluded.transferred_n,
            disposed_n = t.disposed_n + excluded.disposed_n,
            open_n = t.open_n + excluded.open_n,
            refused_n = t.refused_n + excluded.refused_n,
            overdue_n = t.overdue_n + excluded.overdue_n,
            discrepant_n = t.discrepant_n + excluded.discrepant_n,
            declared_qty = t.declared_qty + excluded.declared_qty,
            received_qty = t.received_qty + excluded.received_qty,
            transferred_qty = t.transferred_qty + excluded.transferred_qty,
            disposed_qty = t.disposed_qty + excluded.disposed_qty,
            h00 = t.h00 + excluded.h00,
            h01 = t.h01 + excluded.h01,
            h02 = t.h02 + excluded.h02,
            h03 = t.h03 + excluded.h03,
            h04 = t.h04 + excluded.h04,
            h05 = t.h05 + excluded.h05,
            h06 = t.h06 + excluded.h06,
            h07 = t.h07 + excluded.h07,
            h08 = t.h08 + excluded.h08,
            h09 = t.h09 + excluded.h09,
            h10 = t.h10 + excluded.h10,
            h11 = t.h11 + excluded.h11,
            h12 = t.h12 + excluded.h12;
    get diagnostics n = row_count;
    folded := folded + n;
    delete from report_closure where declared_n = 0;
    with d as (delete from report_closure_vessel_delta returning *)
    insert into report_closure_vessel as t (vessel_id, port_id, stream, unit, month, declared_n, received_n, transferred_n, disposed_n, open_n, refused_n, overdue_n, discrepant_n, declared_qty, received_qty, transferred_qty, disposed_qty, h00, h01, h02, h03, h04, h05, h06, h07, h08, h09, h10, h11, h12)
    select vessel_id, port_id, stream, unit, month, sum(declared_n), sum(received_n), sum(transferred_n), sum(disposed_n), sum(open_n), sum(refused_n), sum(overdue_n), sum(discrepant_n), sum(declared_qty), sum(received_qty), sum(transferred_qty), sum(disposed_qty), sum(h00), sum(h01), sum(h02), sum(h03), sum(h04), sum(h05), sum(h06), sum(h07), sum(h08), sum(h09), sum(h10), sum(h11), sum(h12) from d group by vessel_id, port_id, stream, unit, month
    on conflict (vessel_id, port_id, stream, unit, month) do update set
            declared_n = t.declared_n + excluded.declared_n,
            received_n = t.received_n + excluded.received_n,
            transferred_n = t.transferred_n + excluded.transferred_n,
            disposed_n = t.disposed_n + excluded.disposed_n,
            open_n = t.open_n + excluded.open_n,
            refused_n = t.refused_n + excluded.refused_n,
            overdue_n = t.overdue_n + excluded.overdue_n,
            discrepant_n = t.discrepant_n + excluded.discrepant_n,
            declared_qty = t.declared_qty + excluded.declared_qty,
            received_qty = t.received_qty + excluded.received_qty,
            transferred_qty = t.transferred_qty + excluded.transferred_qty,
            disposed_qty = t.disposed_qty + excluded.disposed_qty,
            h00 = t.h00 + excluded.h00,
            h01 = t.h01 + excluded.h01,
            h02 = t.h02 + excluded.h02,
            h03 = t.h03 + excluded.h03,
            h04 = t.h04 + excluded.h04,
            h05 = t.h05 + excluded.h05,
            h06 = t.h06 + excluded.h06,
            h07 = t.h07 + excluded.h07,
            h08 = t.h08 + excluded.h08,
            h09 = t.h09 + excluded.h09,
            h10 = t.h10 + excluded.h10,
            h11 = t.h11 + excluded.h11,
            h12 = t.h12 + excluded.h12;
    get diagnostics n = row_count;
    folded := folded + n;
    delete from report_closure_vessel where declared_n = 0;
    return folded;
end
$$;

-- Brings the read model up to date with one manifest, in the transaction that changed it; 1 when it changed.
create function report_apply(mid uuid) returns integer language plpgsql as $$
declare
    o report_manifest_fact;
    n report_manifest_fact;
begin
    select * into o from report_manifest_fact where manifest_id = mid for update;
    select * into n from report_manifest_fact_v where manifest_id = mid;
    if o.manifest_id is null and n.manifest_id is null then
        return 0;
    end if;
    if o.manifest_id is not null and n.manifest_id is not null and o is not distinct from n then
        return 0;
    end if;
    if o.manifest_id is not null then
        perform report_add(o, -1);
        delete from report_manifest_fact where manifest_id = mid;
    end if;
    if n.manifest_id is not null then
        perform report_add(n, 1);
        insert into report_manifest_fact values (n.*);
    end if;
    return 1;
end
$$;

-- Recomputes the whole read model from the manifest tables (after a bulk load or to check the incremental one).
create function report_rebuild() returns bigint language plpgsql as $$
begin
    lock table report_manifest_fact, report_closure, report_closure_vessel, report_closure_delta,
        report_closure_vessel_delta in exclusive mode;
    truncate report_manifest_fact, report_closure, report_closure_vessel, report_closure_delta,
        report_closure_vessel_delta;
    insert into report_manifest_fact select * from report_manifest_fact_v;
    insert into report_closure (port_id, receiver_id, stream, unit, month, declared_n, received_n, transferred_n, disposed_n, open_n, refused_n, overdue_n, discrepant_n, declared_qty, received_qty, transferred_qty, disposed_qty, h00, h01, h02, h03, h04, h05, h06, h07, h08, h09, h10, h11, h12)
    select port_id, receiver_id, stream, unit, month, sum(declared_n), sum(received_n), sum(transferred_n), sum(disposed_n), sum(open_n), sum(refused_n), sum(overdue_n), sum(discrepant_n), sum(declared_qty), sum(received_qty), sum(transferred_qty), sum(disposed_qty), count(*) filter (where ttc_bucket = 0), count(*) filter (where ttc_bucket = 1), count(*) filter (where ttc_bucket = 2), count(*) filter (where ttc_bucket = 3), count(*) filter (where ttc_bucket = 4), count(*) filter (where ttc_bucket = 5), count(*) filter (where ttc_bucket = 6), count(*) filter (where ttc_bucket = 7), count(*) filter (where ttc_bucket = 8), count(*) filter (where ttc_bucket = 9), count(*) filter (where ttc_bucket = 10), count(*) filter (where ttc_bucket = 11), count(*) filter (where ttc_bucket = 12)
    from report_manifest_fact group by port_id, receiver_id, stream, unit, month;
    insert into report_closure_vessel (vessel_id, port_id, stream, unit, month, declared_n, received_n, transferred_n, disposed_n, open_n, refused_n, overdue_n, discrepant_n, declared_qty, received_qty, transferred_qty, disposed_qty, h00, h01, h02, h03, h04, h05, h06, h07, h08, h09, h10, h11, h12)
    select vessel_id, port_id, stream, unit, month, sum(declared_n), sum(received_n), sum(transferred_n), sum(disposed_n), sum(open_n), sum(refused_n), sum(overdue_n), sum(discrepant_n), sum(declared_qty), sum(received_qty), sum(transferred_qty), sum(disposed_qty), count(*) filter (where ttc_bucket = 0), count(*) filter (where ttc_bucket = 1), count(*) filter (where ttc_bucket = 2), count(*) filter (where ttc_bucket = 3), count(*) filter (where ttc_bucket = 4), count(*) filter (where ttc_bucket = 5), count(*) filter (where ttc_bucket = 6), count(*) filter (where ttc_bucket = 7), count(*) filter (where ttc_bucket = 8), count(*) filter (where ttc_bucket = 9), count(*) filter (where ttc_bucket = 10), count(*) filter (where ttc_bucket = 11), count(*) filter (where ttc_bucket = 12)
    from report_manifest_fact group by vessel_id, port_id, stream, unit, month;
    return (select count(*) from report_manifest_fact);
end
$$;

-- Manifests that existed before this migration.
select report_rebuild();

-- Open manifests by age (ageing report).
create index manifest_open_age_idx on manifest (port_id, declared_at) where state in ('DECLARED', 'RECEIVED', 'IN_TRANSFER');
