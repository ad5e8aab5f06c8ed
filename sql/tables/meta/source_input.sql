-- One row per payload or landing file a source's staged data was loaded from (meta.source_load says when);
-- the same set again is no change.

CREATE TABLE IF NOT EXISTS meta.source_input (
    source_key   VARCHAR NOT NULL,
    dataset      VARCHAR NOT NULL,
    location     VARCHAR NOT NULL,
    sha256       VARCHAR NOT NULL
);
