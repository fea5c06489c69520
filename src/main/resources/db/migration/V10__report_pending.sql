-- The closure read model leaves the signing transaction. Before, every signed step called report_apply(id), which
-- replaced the manifest's contribution in the step's own transaction (about ten statements, a third of the database's
-- time per step). Now a trigger notes every inserted or updated manifest in report_pending (one row, no index), and
-- report_catch_up() brings the read model up to date with all of them at once: it takes the notes it can see (a note
-- of a transaction still in flight is invisible, so it stays for the next run, together with the data it notes),
-- subtracts the old contributions of those manifests and adds the new ones from report_manifest_fact_v (the view
-- report_rebuild() uses too), as delta rows grouped by aggregate key. One applier at a time (advisory lock): Shoreloop
-- runs it every second, and a report runs it before reading, so reports stay exact as of the moment they are asked.

create table report_pending (
    manifest_id  uuid not null
);

create function report_note() returns trigger language plpgsql as $$
begin
    insert into report_pending (manifest_id) values (new.id);
    return null;
end;
$$;

create trigger manifest_report_note after insert or update on manifest
    for each row execute function report_note();

create function report_catch_up() returns integer language plpgsql as $$
declare
    ids uuid[];
    n   integer;
begin
    perform pg_advisory_xact_lock(7315200551);
    with p as (delete from report_pending returning manifest_id)
    select array_agg(distinct manifest_id) into ids from p;
    if ids is null then
        return 0;
    end if;
    with old_facts as (delete from report_manifest_fact where manifest_id = any (ids) returning *),
         c as (insert into report_closure_delta (port_id, receiver_id, stream, unit, month, declared_n, received_n, transferred_n, disposed_n, open_n, refused_n, overdue_n, discrepant_n, declared_qty, received_qty, transferred_qty, disposed_qty, h00, h01, h02, h03, h04, h05, h06, h07, h08, h09, h10, h11, h12)
               select port_id, receiver_id, stream, unit, month, sum(-declared_n), sum(-received_n), sum(-transferred_n), sum(-disposed_n), sum(-open_n), sum(-refused_n), sum(-overdue_n), sum(-discrepant_n), sum(-declared_qty), sum(-received_qty), sum(-transferred_qty), sum(-disposed_qty), -count(*) filter (where ttc_bucket = 0), -count(*) filter (where ttc_bucket = 1), -count(*) filter (where ttc_bucket = 2), -count(*) filter (where ttc_bucket = 3), -count(*) filter (where ttc_bucket = 4), -count(*) filter (where ttc_bucket = 5), -count(*) filter (where ttc_bucket = 6), -count(*) filter (where ttc_bucket = 7), -count(*) filter (where ttc_bucket = 8), -count(*) filter (where ttc_bucket = 9), -count(*) filter (where ttc_bucket = 10), -count(*) filter (where ttc_bucket = 11), -count(*) filter (where ttc_bucket = 12)
               from old_facts group by port_id, receiver_id, stream, unit, month),
         v as (insert into report_closure_vessel_delta (vessel_id, port_id, stream, unit, month, declared_n, received_n, transferred_n, disposed_n, open_n, refused_n, overdue_n, discrepant_n, declared_qty, received_qty, transferred_qty, disposed_qty, h00, h01, h02, h03, h04, h05, h06, h07, h08, h09, h10, h11, h12)
               select vessel_id, port_id, stream, unit, month, sum(-declared_n), sum(-received_n), sum(-transferred_n), sum(-disposed_n), sum(-open_n), sum(-refused_n), sum(-overdue_n), sum(-discrepant_n), sum(-declared_qty), sum(-received_qty), sum(-transferred_qty), sum(-disposed_qty), -count(*) filter (where ttc_bucket = 0), -count(*) filter (where ttc_bucket = 1), -count(*) filter (where ttc_bucket = 2), -count(*) filter (where ttc_bucket = 3), -count(*) filter (where ttc_bucket = 4), -count(*) filter (where ttc_bucket = 5), -count(*) filter (where ttc_bucket = 6), -count(*) filter (where ttc_bucket = 7), -count(*) filter (where ttc_bucket = 8), -count(*) filter (where ttc_bucket = 9), -count(*) filter (where ttc_bucket = 10), -count(*) filter (where ttc_bucket = 11), -count(*) filter (where ttc_bucket = 12)
               from old_facts group by vessel_id, port_id, stream, unit, month)
    select count(*) into n from old_facts;
    with new_facts as (insert into report_manifest_fact select * from report_manifest_fact_v where manifest_id = any (ids)
                 returning *),
         c as (insert into report_closure_delta (port_id, receiver_id, stream, unit, month, declared_n, received_n, transferred_n, disposed_n, open_n, refused_n, overdue_n, discrepant_n, declared_qty, received_qty, transferred_qty, disposed_qty, h00, h01, h02, h03, h04, h05, h06, h07, h08, h09, h10, h11, h12)
               select port_id, receiver_id, stream, unit, month, sum(declared_n), sum(received_n), sum(transferred_n), sum(disposed_n), sum(open_n), sum(refused_n), sum(overdue_n), sum(discrepant_n), sum(declared_qty), sum(received_qty), sum(transferred_qty), sum(disposed_qty), count(*) filter (where ttc_bucket = 0), count(*) filter (where ttc_bucket = 1), count(*) filter (where ttc_bucket = 2), count(*) filter (where ttc_bucket = 3), count(*) filter (where ttc_bucket = 4), count(*) filter (where ttc_bucket = 5), count(*) filter (where ttc_bucket = 6), count(*) filter (where ttc_bucket = 7), count(*) filter (where ttc_bucket = 8), count(*) filter (where ttc_bucket = 9), count(*) filter (where ttc_bucket = 10), count(*) filter (where ttc_bucket = 11), count(*) filter (where ttc_bucket = 12)
               from new_facts group by port_id, receiver_id, stream, unit, month),
         v as (insert into report_closure_vessel_delta (vessel_id, port_id, stream, unit, month, declared_n, received_n, transferred_n, disposed_n, open_n, refused_n, overdue_n, discrepant_n, declared_qty, received_qty, transferred_qty, disposed_qty, h00, h01, h02, h03, h04, h05, h06, h07, h08, h09, h10, h11, h12)
               select vessel_id, port_id, stream, unit, month, sum(declared_n), sum(received_n), sum(transferred_n), sum(disposed_n), sum(open_n), sum(refused_n), sum(overdue_n), sum(discrepant_n), sum(declared_qty), sum(received_qty), sum(transferred_qty), sum(disposed_qty), count(*) filter (where ttc_bucket = 0), count(*) filter (where ttc_bucket = 1), count(*) filter (where ttc_bucket = 2), count(*) filter (where ttc_bucket = 3), count(*) filter (where ttc_bucket = 4), count(*) filter (where ttc_bucket = 5), count(*) filter (where ttc_bucket = 6), count(*) filter (where ttc_bucket = 7), count(*) filter (where ttc_bucket = 8), count(*) filter (where ttc_bucket = 9), count(*) filter (where ttc_bucket = 10), count(*) filter (where ttc_bucket = 11), count(*) filter (where ttc_bucket = 12)
               from new_facts group by vessel_id, port_id, stream, unit, month)
    select count(*) into n from new_facts;
    return cardinality(ids);
end
$$;

-- Steps signed before this migration were applied one by one; nothing is pending. report_apply and report_add served
-- only that path.
drop function report_apply(uuid);
drop function report_add(report_manifest_fact, integer);
