-- A meter's state row now exists from the meter's registration on, instead of being created by the ingest batch that
-- first needs it. Every batch used to send "insert into shore_meter_state ... on conflict do nothing" for all its
-- meters before locking their rows: with 5,000 meters (bench/ingest --meters 5000, a batch holding ~2,900 meters)
-- that statement took 6.7 ms per batch (pg_stat_statements), for rows that existed but for a meter's first batch.
-- A batch now only locks the rows (ShorePowerIngest.lockStates), and creates one only should it be missing.
-- A row with its defaults reads as no row did: every column read by the API is null until the first batch.

insert into shore_meter_state (meter_id) select id from meter order by id on conflict do nothing;

create function meter_state_row() returns trigger language plpgsql as $$
begin
    insert into shore_meter_state (meter_id) values (new.id) on conflict do nothing;
    return null;
end $$;

create trigger meter_state_row after insert on meter
    for each row execute function meter_state_row();
