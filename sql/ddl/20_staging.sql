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

CREATE TABLE IF NOT EXISTS staging.kolada_kpi (
    kpi_id                 VARCHAR PRIMARY KEY,
    title                  VARCHAR NOT NULL,
    description            VARCHAR,
    is_divided_by_gender   BOOLEAN,
    municipality_type      VARCHAR,
    auspice                VARCHAR,
    operating_area         VARCHAR,
    perspective            VARCHAR,
    prel_publication_date  DATE,
    publication_date       DATE,
    publ_period            VARCHAR,
    has_ou_data            BOOLEAN,
    raw_sha256             VARCHAR NOT NULL
);

-- What each Kolada data answer covered: one row per KPI, municipality and year asked for (from the
-- request URL), so that a row Kolada no longer sends in a covering answer can be withdrawn.
CREATE TABLE IF NOT EXISTS staging.kolada_coverage (
    kpi_id             VARCHAR NOT NULL,
    municipality_code  VARCHAR NOT NULL,
    year               INTEGER NOT NULL,
    raw_sha256         VARCHAR NOT NULL,
    retrieved_at       TIMESTAMPTZ NOT NULL
);
