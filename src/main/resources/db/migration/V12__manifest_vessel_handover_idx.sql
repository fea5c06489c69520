-- The zero-discharge check asks, for every call it judges, when the vessel last handed over sewage and garbage before
-- the call (max(declared_at) of the vessel's manifests of that stream, handed over, of other calls). With only
-- manifest_vessel_idx (vessel_id, created_at) that read every manifest the vessel ever had (thousands over the five
-- years they are kept, and in bench/manifests tens of thousands within minutes); this index answers it from its end.
create index manifest_vessel_handover_idx on manifest (vessel_id, stream, declared_at) where declared_at is not null;
