-- The ingesting instances, by their MQTT client id, and when each was last seen alive (its heartbeat). An instance
-- silent for longer than shoreloop.mqtt.retire-after is taken for gone: a live instance claims it (claimed_by,
-- claimed_at: a lease, so that one adopter works on it at a time and another may take over from an adopter that
-- died), adopts its broker session, stores what the session holds and ends it (retired_at). The instance's next
-- heartbeat, should it come back, clears all three.
create table ingest_instance (
    client_id    text primary key,
    last_seen_at timestamptz not null,
    claimed_by   text,
    claimed_at   timestamptz,
    retired_at   timestamptz
);
