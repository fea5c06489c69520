-- Receipt and pickup rewrite the manifest's row in place (HOT updates: no new entry in any of its indexes).
-- PostgreSQL can update a row in place only when no index covers a column the update changes, in its key or its
-- condition, and the row's page has room for the new version. A receipt or a pickup changes the state, the next
-- party, the current quantity and the received time; two indexes covered them:
-- * manifest_next_party_idx (next_party_id): who is named to take the batch next. Every party ever named is in the
--   named step's row (manifest_step.next_party_id: the declaration names the receiver, a receipt the transporter or
--   the receiver itself, a pickup the plant or the next transporter), which is written once and never changed; lists
--   that show a party its manifests read that index instead.
-- * manifest_open_age_idx (port_id, declared_at) where the state is open: the open manifests are exactly those
--   declared and not closed (every end, disposal, cancellation or full refusal, sets closed_at, and nothing clears
--   it), so the same rows are selected by two columns that change only at the declaration and at the end. Queries
--   over the open manifests name both conditions (with their states) so that PostgreSQL uses the index.
-- The declaration and the end still add index entries (declared_at, closed_at); receipt and pickup do not.
create index manifest_step_next_party_idx on manifest_step (next_party_id) where next_party_id is not null;
drop index if exists manifest_next_party_idx;

drop index if exists manifest_open_age_idx;
create index manifest_open_age_idx on manifest (port_id, declared_at) where declared_at is not null and closed_at is null;

-- Room on each page for the versions of its rows (for pages written from now on): a manifest is rewritten four
-- times within minutes of its insert, while newer manifests fill the pages after it.
alter table manifest set (fillfactor = 75);
