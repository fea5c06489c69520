-- Shore-power KPI report, avoided emissions and the Art. 18 export. V5 is the closure read model.
--
-- The KPIs are read straight from the stored shore-power verdicts (call_verdict, kind SHORE_POWER: outcome, and the
-- figures stayHours, connectedHours, shipHasFacility, compatible, claimReason) and from the sessions (shore_session);
-- no read model of their own: one month of one country's calls is tens of thousands of verdict rows, which one
-- indexed scan aggregates (see the README's benchmark).

-- The province (or municipality) whose grid emission factor and tariff apply to a port's shore power:
-- shoreloop.emissions.provinces.<province>.*; null means the national defaults.
alter table port add column province text check (province ~ '^[a-z0-9-]{1,64}$');

-- One month's shore-power verdicts without touching the other kinds
create index call_verdict_shore_power_idx on call_verdict (arrival, port_id) where kind = 'SHORE_POWER';

-- Sessions not matched to a call, by time (the KPI report counts them in the month they started)
create index shore_session_unmatched_time_idx on shore_session (start_ts) where call_id is null;
