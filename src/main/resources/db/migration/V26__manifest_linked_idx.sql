-- The manifests made for refused parts of a batch, found from the refused one (its view lists them: linkedManifestIds).
-- Partial: only such manifests have a parent, so the index stays small and other manifests' inserts pass it by.
create index manifest_parent_idx on manifest (parent_id) where parent_id is not null;
