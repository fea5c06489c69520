-- Shoreloop foundation: parties, master data, vessel calls, users, idempotency keys.
-- Released migrations are never edited; add a new V<n>__*.sql instead.

-- Parties that are organisations -------------------------------------------------------------------------------
create table port_operator (
    id          uuid primary key,
    code        text not null unique,
    name        text not null,
    active      boolean not null default true,
    version     bigint not null default 0,
    created_at  timestamptz not null default now()
);

create table bureau (
    id          uuid primary key,
    code        text not null unique,
    name        text not null,
    kind        text not null check (kind in ('MARITIME', 'TRANSPORT', 'ENVIRONMENT', 'CONSTRUCTION', 'URBAN_MANAGEMENT')),
    active      boolean not null default true,
    version     bigint not null default 0,
    created_at  timestamptz not null default now()
);

-- Ports and berths ---------------------------------------------------------------------------------------------
create table port (
    id           uuid primary key,
    code         text not null unique check (code ~ '^[A-Za-z0-9_-]{1,64}$'),
    name         text not null,
    region_kind  text not null check (region_kind in ('INLAND', 'COASTAL')),
    time_zone    text not null,
    operator_id  uuid references port_operator (id),
    active       boolean not null default true,
    version      bigint not null default 0,
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now()
);
create index port_operator_idx on port (operator_id);

create table bureau_jurisdiction (
    bureau_id  uuid not null references bureau (id),
    port_id    uuid not null references port (id),
    primary key (bureau_id, port_id)
);
create index bureau_jurisdiction_port_idx on bureau_jurisdiction (port_id);

create table berth (
    id                  uuid primary key,
    port_id             uuid not null references port (id),
    code                text not null check (code ~ '^[A-Za-z0-9_-]{1,64}$'),
    name                text not null,
    terminal_kind       text not null check (terminal_kind in ('CONTAINER', 'RO_RO', 'PASSENGER', 'CRUISE', 'GENERAL_CARGO',
                                                                'BULK', 'OIL', 'GAS', 'CHEMICAL', 'OTHER')),
    shore_power         boolean not null default false,
    sp_voltage_v        integer check (sp_voltage_v > 0),
    sp_frequency_hz     integer check (sp_frequency_hz in (50, 60)),
    sp_capacity_kva     numeric(12, 1) check (sp_capacity_kva > 0),
    sp_high_voltage     boolean,
    sp_socket           text,
    active              boolean not null default true,
    version             bigint not null default 0,
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now(),
    unique (port_id, code)
);

-- Vessels ------------------------------------------------------------------------------------------------------
create table vessel (
    id                 uuid primary key,
    name               text not null,
    mmsi               text not null unique check (mmsi ~ '^[0-9]{9}$'),
    imo                text unique check (imo ~ '^[0-9]{7}$'),
    cn_ship_id         text unique,
    vessel_type        text not null check (vessel_type in ('CARGO', 'CONTAINER', 'PASSENGER', 'CRUISE', 'RO_RO', 'OIL_TANKER',
                                                            'CHEMICAL_TANKER', 'LNG', 'OTHER')),
    gross_tonnage      numeric(12, 1) check (gross_tonnage > 0),
    crew_capacity      integer check (crew_capacity >= 0),
    home_port_id       uuid references port (id),
    shore_power        boolean not null default false,
    sp_voltage_v       integer check (sp_voltage_v > 0),
    sp_frequency_hz    integer check (sp_frequency_hz in (50, 60)),
    sp_capacity_kva    numeric(12, 1) check (sp_capacity_kva > 0),
    sp_high_voltage    boolean,
    sp_socket          text,
    active             boolean not null default true,
    version            bigint not null default 0,
    created_at         timestamptz not null default now(),
    updated_at         timestamptz not null default now()
);
create index vessel_home_port_idx on vessel (home_port_id);

create table vessel_tank (
    vessel_id  uuid not null references vessel (id),
    stream     text not null check (stream in ('SEWAGE', 'OILY_WATER', 'TANK_WASHING', 'GARBAGE')),
    capacity   numeric(12, 3) not null check (capacity > 0),
    unit       text not null check (unit in ('M3', 'KG')),
    primary key (vessel_id, stream),
    check ((stream = 'GARBAGE' and unit = 'KG') or (stream <> 'GARBAGE' and unit = 'M3'))
);

-- Facilities ---------------------------------------------------------------------------------------------------
create table facility (
    id          uuid primary key,
    code        text not null unique check (code ~ '^[A-Za-z0-9_-]{1,64}$'),
    name        text not null,
    kind        text not null check (kind in ('RECEPTION', 'TRANSPORT', 'DISPOSAL')),
    port_id     uuid references port (id),
    address     text,
    active      boolean not null default true,
    version     bigint not null default 0,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now()
);

create table facility_licence (
    facility_id  uuid not null references facility (id),
    activity     text not null check (activity in ('RECEIVE', 'TRANSPORT', 'DISPOSE')),
    stream       text not null check (stream in ('SEWAGE', 'OILY_WATER', 'TANK_WASHING', 'GARBAGE')),
    primary key (facility_id, activity, stream)
);

create table facility_vehicle (
    facility_id  uuid not null references facility (id),
    identifier   text not null,
    kind         text not null check (kind in ('TRUCK', 'BARGE', 'PIPELINE')),
    capacity     numeric(12, 3),
    primary key (facility_id, identifier)
);

-- Meters -------------------------------------------------------------------------------------------------------
create table meter (
    id                    uuid primary key,
    code                  text not null unique check (code ~ '^[A-Za-z0-9_-]{1,64}$'),
    berth_id              uuid not null references berth (id),
    register_modulus_kwh  numeric(20, 3) not null default 100000000 check (register_modulus_kwh > 0),
    reporting_interval_s  integer not null default 15 check (reporting_interval_s between 1 and 86400),
    active                boolean not null default true,
    version               bigint not null default 0,
    created_at            timestamptz not null default now(),
    updated_at            timestamptz not null default now()
);
create index meter_berth_idx on meter (berth_id);

-- Vessel calls -------------------------------------------------------------------------------------------------
create table vessel_call (
    id                  uuid primary key,
    vessel_id           uuid not null references vessel (id),
    berth_id            uuid not null references berth (id),
    port_id             uuid not null references port (id),
    arrival             timestamptz not null,
    departure           timestamptz,
    crew_on_board       integer check (crew_on_board >= 0),
    exemption_reason    text check (exemption_reason in ('SHIP_FAULT', 'SHORE_FAULT', 'WEATHER', 'ACCIDENT', 'EMERGENCY',
                                                         'ALTERNATIVE_MEASURE')),
    exemption_note      text,
    exemption_evidence  text,
    active              boolean not null default true,
    version             bigint not null default 0,
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now(),
    check (departure is null or departure > arrival)
);
create index vessel_call_berth_time_idx on vessel_call (berth_id, arrival);
create index vessel_call_vessel_idx on vessel_call (vessel_id, arrival);
create index vessel_call_port_idx on vessel_call (port_id, arrival);

create table call_cargo (
    call_id       uuid not null references vessel_call (id),
    seq           integer not null,
    name          text not null,
    nls_category  text check (nls_category in ('X', 'Y', 'Z', 'OS')),
    quantity_t    numeric(12, 3) check (quantity_t >= 0),
    solidifying_or_high_viscosity boolean not null default false,
    primary key (call_id, seq)
);

-- Users --------------------------------------------------------------------------------------------------------
create table app_user (
    id            uuid primary key,
    subject       text not null unique,
    display_name  text not null,
    role          text not null check (role in ('CREW', 'RECEIVER', 'TRANSPORTER', 'DISPOSER', 'BERTH_OPERATOR', 'BUREAU', 'ADMIN')),
    party_id      uuid,
    active        boolean not null default true,
    demo          boolean not null default false,
    version       bigint not null default 0,
    created_at    timestamptz not null default now(),
    check ((role = 'ADMIN') = (party_id is null))
);

-- Idempotency keys: the stored first answer of every POST that carried an Idempotency-Key ----------------------
create table idempotency_key (
    principal     text not null,
    idem_key      text not null,
    request_hash  text not null,
    method        text not null,
    path          text not null,
    status        integer,
    headers       jsonb,
    body          text,
    created_at    timestamptz not null default now(),
    primary key (principal, idem_key)
);

-- Ports each vessel has called at (kept by the calls feature), so that scoping vessels needs no join to calls.
create table vessel_port (
    vessel_id  uuid not null references vessel (id),
    port_id    uuid not null references port (id),
    primary key (vessel_id, port_id)
);
create index vessel_port_port_idx on vessel_port (port_id);
