-- The current value of every series, and the value as known at any past moment (docs/target-rules.md,
-- "Vintages"). The latest vintage is the one observed last (ties: loaded last); a withdrawn latest
-- vintage means the source no longer sends the row, so it has no current value. Indicators no longer in
-- any plan's catalogue are retired: their history stays in core.indicator_value_vintage, but they have
-- no current value and are not checked.

-- The latest vintage of every row as known at `known_at`, withdrawals included.
CREATE OR REPLACE MACRO core.latest_vintage_at(known_at) AS TABLE
SELECT *
FROM core.indicator_value_vintage
WHERE observed_at <= known_at
QUALIFY row_number() OVER (
    PARTITION BY municipality_code, indicator_id, year ORDER BY observed_at DESC, loaded_at DESC
) = 1;

-- What the warehouse knew at `known_at` (a TIMESTAMPTZ): one current value per municipality,
-- indicator and year, e.g. SELECT * FROM core.fact_indicator_value_at(TIMESTAMPTZ '2026-03-31 23:59:59+01').
CREATE OR REPLACE MACRO core.fact_indicator_value_at(known_at) AS TABLE
SELECT
    v.municipality_code, v.indicator_id, v.year, v.value, v.unit, v.preliminary, v.complete, v.source,
    v.source_id, v.source_status, v.retrieved_at, v.observed_at, v.raw_sha256, v.loaded_at
FROM core.latest_vintage_at(known_at) AS v
WHERE NOT v.withdrawn
  AND v.indicator_id IN (SELECT indicator_id FROM core.dim_indicator);

CREATE OR REPLACE VIEW core.latest_vintage AS
SELECT * FROM core.latest_vintage_at(TIMESTAMPTZ 'infinity');

CREATE OR REPLACE VIEW core.fact_indicator_value AS
SELECT * FROM core.fact_indicator_value_at(TIMESTAMPTZ 'infinity');
