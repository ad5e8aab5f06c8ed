-- SCB's staged quarters summed to years and mapped onto catalogue indicators, in the common
-- observation shape (the same columns, in the same order and types, as staging.kolada_observation).
--
-- A cell belongs to an indicator when the indicator's source is 'scb', its source_id is the table
-- and its source_selection is the cell's selection key; the region is the municipality.
-- Only quarterly periods (YYYYKn) are summed here; the summed series are flows (e.g. dwellings started).
--
-- The year's value is the sum of the quarters that have a value, NULL when none has one (never 0).
-- The year is preliminary while any of its four quarters is preliminary (the latest published one,
-- or one with a status symbol), missing (no row, or a NULL value) or not yet published.
CREATE OR REPLACE VIEW staging.scb_observation AS
WITH quarters AS (
    SELECT *, CAST(left(period, 4) AS INTEGER) AS year
    FROM staging.scb_values
    WHERE regexp_full_match(period, '[0-9]{4}K[1-4]')
),
yearly AS (
    SELECT
        table_id,
        region,
        selection_key,
        year,
        sum(value) AS value,
        count(DISTINCT period) FILTER (WHERE value IS NOT NULL) AS quarters_with_value,
        bool_or(preliminary) AS any_preliminary,
        string_agg(period || ' ' || status, '; ' ORDER BY period) FILTER (WHERE status IS NOT NULL) AS statuses,
        max(retrieved_at) AS retrieved_at,
        arg_max(raw_sha256, period) AS raw_sha256  -- the payload of the year's latest quarter
    FROM quarters
    GROUP BY table_id, region, selection_key, year
)
SELECT DISTINCT
    y.region AS municipality_code,
    d.indicator_id,
    y.year,
    CAST(y.value AS DOUBLE) AS value,
    d.unit,
    y.any_preliminary OR y.quarters_with_value < 4 AS preliminary,
    'scb' AS source,
    y.table_id AS source_id,
    CASE
        WHEN y.quarters_with_value < 4 THEN concat_ws('; ', y.statuses, y.quarters_with_value || ' of 4 quarters')
        ELSE y.statuses
    END AS source_status,
    y.retrieved_at,
    y.raw_sha256
FROM yearly AS y
JOIN core.dim_indicator AS d
    ON d.source = 'scb' AND d.source_id = y.table_id AND d.source_selection = y.selection_key;
