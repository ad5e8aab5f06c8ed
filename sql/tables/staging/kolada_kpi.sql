-- Kolada's KPI metadata as parsed, one row per KPI the plan uses; the plan file names the title each KPI
-- must still carry.

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
