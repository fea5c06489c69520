-- The time of a meter's latest status message that was not older than what was known of the meter (its "ts"), also
-- when it changed nothing: an "online" repeated while online is evidence that the meter is alive. Until V34 only a
-- change was kept (online_since), so a meter that reported its status but had no reading to send was taken offline
-- for silence (MeterLiveness) while it said it was online.
alter table shore_meter_state add column last_status_at timestamptz;
