-- A meter's session state at a recent reading inside its open session (ShorePowerIngest, MeterTimeline.Checkpoint):
-- a batch that finds no timeline of the meter in its cache (another instance stored the meter's last batches and
-- a catch-up was not possible, the cache dropped it, the service restarted) resumes there, reading the readings after
-- it, instead of resuming from the idle point before the session, which a ship connected for hours puts thousands
-- of readings back. Written with the row by every batch that derives the meter; null when the latest checkpoint is
-- not inside a session after the idle cursor (resumable_after), and cleared by the departure sync, which re-derives.
-- checkpoint: the state as text (SessionBuilder.Snapshot.encode), at the stored reading at checkpoint_at.

alter table shore_meter_state
    add column checkpoint_at timestamptz,
    add column checkpoint text;
