-- Who changed which user account, port operator or bureau, when, from what to what: the administrators' changes to
-- who may sign in and for whom, kept like the ledger: append-only, enforced in the database.

create table admin_audit (
    id             bigserial primary key,
    at             timestamptz not null default now(),
    actor_id       uuid,
    actor_subject  text not null,
    object_kind    text not null check (object_kind in ('USER', 'PORT_OPERATOR', 'BUREAU')),
    object_id      uuid not null,
    change         text not null check (change in ('CREATED', 'UPDATED', 'DEACTIVATED', 'ACTIVATED')),
    before         jsonb,
    after          jsonb not null
);
create index admin_audit_object_idx on admin_audit (object_id, id);

create function admin_audit_is_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'the audit of administrators'' changes is append-only (% refused)', tg_op using errcode = '42501';
end
$$;
create trigger admin_audit_append_only before update or delete on admin_audit
    for each row execute function admin_audit_is_append_only();
create trigger admin_audit_no_truncate before truncate on admin_audit
    for each statement execute function admin_audit_is_append_only();
