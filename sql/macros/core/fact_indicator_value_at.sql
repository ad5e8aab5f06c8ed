-- fact_indicator_value_at(known_at TIMESTAMPTZ): what the warehouse knew at known_at, one current value
-- per municipality, indicator and year (the columns of core.fact_indicator_value).

-- What the warehouse knew at `known_at` (a TIMESTAMPTZ): one current value per municipality,
-- indicator and year, e.g. SELECT * FROM core.fact_indicator_value_at(TIMESTAMPTZ '2026-03-31 23:59:59+01').
CREATE OR REPLACE MACRO core.fact_indicator_value_at(known_at) AS TABLE
SELECT
    v.municipality_code, v.indicator_id, v.year, v.value, v.unit, v.preliminary, v.complete, v.source,
    v.source_id, v.source_status, v.retrieved_at, v.observed_at, v.raw_sha256, v.loaded_at,
    v.value_provenance
FROM core.latest_vintage_at(known_at) AS v
WHERE NOT v.withdrawn
  AND v.indicator_id IN (SELECT indicator_id FROM core.dim_indicator);
