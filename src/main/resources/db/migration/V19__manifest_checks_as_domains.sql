-- The manifest's and the step's value rules as domains instead of table CHECK constraints: the same rules, checked
-- for every value written, at a fraction of the cost.
-- PostgreSQL keeps a table's CHECK constraints as text and parses them again for every statement that writes to the
-- table (ExecRelCheck: stringToNode per constraint, byte by byte for a constant such as a list of states); a domain's
-- constraints are parsed once per connection and kept in its type cache. Every step updates its manifest's row: with
-- its eight CHECK constraints, the update took 25-27 us more PostgreSQL CPU than without them, with the same rules as
-- domains 0-3 us more (30,000 updates of a copy of the table, cached plans); in a bench/manifests run, parsing them was
-- about 2 % of all the CPU used (perf: pg_strtok and strtoll under PostgreSQL's backends).
--
-- Done without rewriting the tables: the columns first become domains without constraints (the same storage), then the
-- domains get their constraints (checked against every row there is), then the table's constraints go. The one view
-- over these columns is recreated as it was (a view's columns cannot change type under it).

create domain manifest_stream as text;
create domain quantity_unit as text;
create domain manifest_state as text;
create domain nls_category as text;
create domain garbage_category as text;
create domain deadline_kind as text;
create domain quantity_method as text;
create domain declared_quantity as numeric(14, 3);
create domain held_quantity as numeric(14, 3);

do $$
declare
    fact_v text := pg_get_viewdef('report_manifest_fact_v'::regclass);
begin
    drop view report_manifest_fact_v;
    alter table manifest
        alter column stream type manifest_stream,
        alter column unit type quantity_unit,
        alter column state type manifest_state,
        alter column nls_category type nls_category,
        alter column garbage_category type garbage_category,
        alter column overdue_deadline type deadline_kind,
        alter column declared_qty type declared_quantity,
        alter column current_qty type held_quantity;
    alter table manifest_step alter column method type quantity_method;
    execute 'create view report_manifest_fact_v as ' || fact_v;
end
$$;

alter domain manifest_stream add constraint manifest_stream_check
    check (value in ('SEWAGE', 'OILY_WATER', 'TANK_WASHING', 'GARBAGE'));
alter domain quantity_unit add constraint quantity_unit_check check (value in ('M3', 'KG'));
alter domain manifest_state add constraint manifest_state_check
    check (value in ('DRAFT', 'DECLARED', 'RECEIVED', 'IN_TRANSFER', 'DISPOSED', 'CANCELLED', 'REFUSED'));
alter domain nls_category add constraint nls_category_check check (value in ('X', 'Y', 'Z', 'OS'));
alter domain garbage_category add constraint garbage_category_check check (value ~ '^[A-K]$');
alter domain deadline_kind add constraint deadline_kind_check check (value in ('RECEIPT', 'PICKUP', 'DISPOSAL'));
alter domain quantity_method add constraint quantity_method_check
    check (value in ('DECLARED', 'METERED', 'WEIGHED', 'GAUGED'));
alter domain declared_quantity add constraint declared_quantity_check check (value > 0);
alter domain held_quantity add constraint held_quantity_check check (value >= 0);

alter table manifest
    drop constraint manifest_stream_check,
    drop constraint manifest_unit_check,
    drop constraint manifest_state_check,
    drop constraint manifest_nls_category_check,
    drop constraint manifest_garbage_category_check,
    drop constraint manifest_overdue_deadline_check,
    drop constraint manifest_declared_qty_check,
    drop constraint manifest_current_qty_check;
alter table manifest_step drop constraint manifest_step_method_check;
