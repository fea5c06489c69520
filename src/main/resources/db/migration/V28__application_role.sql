-- The application's own role (${app_role}): it reads and writes the tables, but owns none, so it cannot switch off
-- or drop the triggers that keep the ledger append-only (the owner, a superuser on the servers Shoreloop starts
-- itself, can), and it may not update, delete or truncate the ledger's entries, its checkpoints, the evidence or the
-- administrators' audit. Skipped when the application runs as the role that runs the migrations (an external
-- database configured with one role: the append-only rules are then the triggers' alone; README, "Pointing Shoreloop
-- at an external PostgreSQL").
do $$
declare
    app text := '${app_role}';
begin
    if app = '' or app = current_user then
        raise notice 'the application runs as the owner of its tables (%): the ledger is append-only by its triggers only', current_user;
        return;
    end if;
    execute format('grant usage on schema public to %I', app);
    execute format('grant select, insert, update, delete, truncate on all tables in schema public to %I', app);
    execute format('grant usage, select, update on all sequences in schema public to %I', app);
    execute format('revoke update, delete, truncate on ledger_entry, ledger_checkpoint, manifest_evidence, admin_audit from %I', app);
    -- the tables and sequences of later migrations (they revoke what their own append-only tables need revoked)
    execute format('alter default privileges in schema public grant select, insert, update, delete, truncate on tables to %I', app);
    execute format('alter default privileges in schema public grant usage, select, update on sequences to %I', app);
end
$$;

-- The monthly reading partitions are created by the application (at start and daily): as the owner's.
alter function shorepower_ensure_partition(date) security definer set search_path = public, pg_temp;
