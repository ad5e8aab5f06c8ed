-- Kolada's data values as parsed (one row per KPI, municipality, year and gender), replaced on every
-- Kolada load.

-- Staging: each source's rows as parsed, replaced on every load of that source.
CREATE TABLE IF NOT EXISTS staging.kolada_values (
    kpi_id             VARCHAR NOT NULL,
    municipality_code  VARCHAR NOT NULL,
    year               INTEGER NOT NULL,
    gender             VARCHAR NOT NULL,
    value              DOUBLE,            -- NULL = missing in the source, never 0
    status             VARCHAR,
    is_deleted         BOOLEAN,
    member_count       INTEGER,
    raw_sha256         VARCHAR NOT NULL,
    source_url         VARCHAR NOT NULL,
    retrieved_at       TIMESTAMPTZ NOT NULL
);
