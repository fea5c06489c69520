-- Shore-power KPI report, avoided emissions and the Art. 18 export. V5 is the closure read model.

-- The province (or municipality) whose emission factors and tariff apply to a port's shore power:
-- shoreloop.emissions.provinces.<province>.*; null means the national defaults.
alter table port add column province text check (province ~ '^[a-z0-9-]{1,64}$');

-- One narrow row per active call with its shore-power verdict as the KPI report counts it --------------------------
-- Kept by a trigger on call_verdict, so it changes exactly when a verdict is stored, reviewed or the call deactivated
-- (its verdict is then rewritten); a month of calls is read from here instead of the wide verdict rows and their
-- jsonb figures (the figures keep the values the rule computed: stayHours, connectedHours rounded to 3 decimals).
-- outcome is the effective one (after a bureau's review); exemption_reason is the claim's reason code when the rules
-- exempted the call, BUREAU_REVIEW when a review did, null when not exempt.
create table report_shore_power_call (
    call_id           uuid primary key references vessel_call (id),
    port_id           uuid not null,
    berth_id          uuid not null,
    vessel_id         uuid not null,
    arrival           timestamptz not null,
    outcome           text not null,
    exemption_reason  text,
    ship_facility     boolean,
    compatible        boolean,
    stay_hours        numeric(12, 3),
    connected_hours   numeric(12, 3)
);
create index report_shore_power_call_arrival_idx on report_shore_power_call (arrival, port_id);

create function report_shore_power_apply() returns trigger language plpgsql as $$
begin
    if new.kind <> 'SHORE_POWER' then
        return null;
    end if;
    if not exists (select 1 from vessel_call c where c.id = new.call_id and c.active) then
        delete from report_shore_power_call where call_id = new.call_id;
        return null;
    end if;
    insert into report_shore_power_call as r (call_id, port_id, berth_id, vessel_id, arrival, outcome, exemption_reason,
                                              ship_facility, compatible, stay_hours, connected_hours)
    values (new.call_id, new.port_id, new.berth_id, new.vessel_id, new.arrival, new.effective_outcome,
            case when new.effective_outcome <> 'EXEMPT' then null
                 when new.outcome = 'EXEMPT' then coalesce(new.figures ->> 'claimReason', 'BUREAU_REVIEW')
                 else 'BUREAU_REVIEW' end,
            (new.figures ->> 'shipHasFacility')::boolean, (new.figures ->> 'compatible')::boolean,
            (new.figures ->> 'stayHours')::numeric, (new.figures ->> 'connectedHours')::numeric)
    on conflict (call_id) do update
        set port_id = excluded.port_id, berth_id = excluded.berth_id, vessel_id = excluded.vessel_id,
            arrival = excluded.arrival, outcome = excluded.outcome, exemption_reason = excluded.exemption_reason,
            ship_facility = excluded.ship_facility, compatible = excluded.compatible,
            stay_hours = excluded.stay_hours, connected_hours = excluded.connected_hours;
    return null;
end;
$$;

create trigger call_verdict_report_shore_power after insert or update on call_verdict
    for each row execute function report_shore_power_apply();

-- the verdicts stored before this migration
insert into report_shore_power_call (call_id, port_id, berth_id, vessel_id, arrival, outcome, exemption_reason,
                                     ship_facility, compatible, stay_hours, connected_hours)
select v.call_id, v.port_id, v.berth_id, v.vessel_id, v.arrival, v.effective_outcome,
       case when v.effective_outcome <> 'EXEMPT' then null
            when v.outcome = 'EXEMPT' then coalesce(v.figures ->> 'claimReason', 'BUREAU_REVIEW')
            else 'BUREAU_REVIEW' end,
       (v.figures ->> 'shipHasFacility')::boolean, (v.figures ->> 'compatible')::boolean,
       (v.figures ->> 'stayHours')::numeric, (v.figures ->> 'connectedHours')::numeric
from call_verdict v join vessel_call c on c.id = v.call_id
where v.kind = 'SHORE_POWER' and c.active;

-- Sessions by the time they started (the KPI report counts sessions and energy in the month they started)
create index shore_session_start_idx on shore_session (start_ts);
