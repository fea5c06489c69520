-- Calls whose departure, berth or active flag changed since the departure sync last looked at them: the sync reads
-- only these (instead of comparing every call with shore_call_departure each minute) and deletes each row it took,
-- in the transaction that brings the sessions in line. A trigger writes a row in the transaction that changes the
-- call, so no change is missed, whichever way it was made (API, demo loader, SQL). The sync locks the rows it takes:
-- a call changed meanwhile waits for it (its trigger updates the locked row), then leaves a new row for the next run;
-- seq tells the sync which version of a row it took.
create sequence shore_departure_pending_seq;

create table shore_departure_pending (
    call_id  uuid primary key,
    seq      bigint not null
);

create function shore_departure_changed() returns trigger language plpgsql as $$
begin
    insert into shore_departure_pending (call_id, seq) values (new.id, nextval('shore_departure_pending_seq'))
        on conflict (call_id) do update set seq = excluded.seq;
    return null;
end;
$$;

create trigger vessel_call_departure_added after insert on vessel_call
    for each row when (new.departure is not null and new.active)
    execute function shore_departure_changed();

create trigger vessel_call_departure_changed after update of departure, berth_id, active on vessel_call
    for each row when (old.departure is distinct from new.departure or old.berth_id is distinct from new.berth_id
                       or old.active is distinct from new.active)
    execute function shore_departure_changed();

-- what the sync had not taken yet when this migration ran
insert into shore_departure_pending (call_id, seq)
select coalesce(c.id, k.call_id), nextval('shore_departure_pending_seq')
  from (select id, berth_id, departure from vessel_call where active and departure is not null) c
  full join shore_call_departure k on k.call_id = c.id
 where c.id is null or k.call_id is null or c.berth_id <> k.berth_id or c.departure <> k.departure;
