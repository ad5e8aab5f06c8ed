-- The current value of every series: the latest vintage per municipality, indicator and year.
CREATE OR REPLACE VIEW core.fact_indicator_value AS
SELECT
    municipality_code, indicator_id, year, value, unit, preliminary, source, source_id, source_status,
    retrieved_at, raw_sha256, loaded_at
FROM core.indicator_value_vintage
QUALIFY row_number() OVER (
    PARTITION BY municipality_code, indicator_id, year ORDER BY retrieved_at DESC, loaded_at DESC
) = 1;
