-- The open sessions, one per meter at most: the silence check (MeterLiveness) reads them every few seconds to
-- interrupt those whose meters stopped reporting, without scanning every meter's sessions.
create index shore_session_open_idx on shore_session (meter_id) where status = 'OPEN';
