-- Whether a mark's changes include shore-power inputs (sessions matched, master data, faults): a manifest step only
-- changes what the vessel handed over, and its recomputation judges the zero-discharge and tank-washing verdicts again
-- and leaves the shore-power verdict as it is (it does not read the call's sessions and the berth's faults).
alter table compliance_pending add column shore_power boolean not null default true;
