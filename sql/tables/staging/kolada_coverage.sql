-- What each Kolada data request asked for: one row per KPI, municipality and year, so that a row Kolada no
-- longer sends in a covering answer can be withdrawn.

-- What each Kolada data answer covered: one row per KPI, municipality and year asked for (from the
-- request URL), so that a row Kolada no longer sends in a covering answer can be withdrawn.
CREATE TABLE IF NOT EXISTS staging.kolada_coverage (
    kpi_id             VARCHAR NOT NULL,
    municipality_code  VARCHAR NOT NULL,
    year               INTEGER NOT NULL,
    raw_sha256         VARCHAR NOT NULL,
    retrieved_at       TIMESTAMPTZ NOT NULL
);
