-- Every ledger entry appended from now on carries a MAC with the service's key (EntryMacs): the application's role may
-- append entries, and one appended beside Shoreloop with its hashes recomputed verified until a checkpoint covered it.
alter table ledger_entry add column mac text;

-- The entries written before MACs were: by their global sequence (at most before_seq) and how many. The verification
-- accepts an entry without a MAC only among these, and counts them, so none can be slipped in there later (the global
-- sequence is a plain serial, which an insert may set). An installation that ran without a ledger key and configures
-- one later moves this marker on as the owner (README, "The ledger's MACs").
create table ledger_mac_era (
    only_row        boolean primary key default true check (only_row),
    before_seq      bigint not null,
    entries_before  bigint not null,
    started_at      timestamptz not null default now()
);
insert into ledger_mac_era (before_seq, entries_before)
select coalesce(max(global_seq), 0), count(*) from ledger_entry;

do $$
declare
    app text := '${app_role}';
begin
    if app <> '' and app <> current_user then
        execute format('revoke insert, update, delete, truncate on ledger_mac_era from %I', app);
    end if;
end
$$;
