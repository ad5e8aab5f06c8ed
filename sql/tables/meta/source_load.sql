-- One row per source (the asset that fetches it, or catalogue_dimensions for the plan file): the run that
-- last loaded it and the pipeline fingerprint it was loaded under. A refresh skips a source whose inputs
-- and fingerprint are unchanged.

-- What each source's staged data was loaded from (indicator_pipeline/changes.py): one row per source in
-- meta.source_load (the pipeline fingerprint and the run that loaded it) and one per payload or landing
-- file in meta.source_input. A refresh that finds a source sending the same payloads under the same
-- fingerprint does not parse, validate or load it again; a refresh in which no source changed publishes
-- nothing. The published file's rows are what the last published run loaded.
CREATE TABLE IF NOT EXISTS meta.source_load (
    source_key   VARCHAR PRIMARY KEY,
    fingerprint  VARCHAR NOT NULL,
    run_id       VARCHAR NOT NULL,
    loaded_at    TIMESTAMPTZ NOT NULL
);
