-- A dead letter can be replayed once (its message processed again, e.g. after its meter was registered): when, by
-- whom, and what it gave. Unreplayed letters of a meter are found through the meter's code.
alter table dead_letter
    add column replayed_at    timestamptz,
    add column replayed_by    uuid references app_user (id),
    add column replay_outcome text;
create index dead_letter_unreplayed_idx on dead_letter (meter_code, received_at) where replayed_at is null;
