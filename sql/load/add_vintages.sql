-- Add a vintage for every staged observation that is new or differs from the current one.
-- Unchanged values add nothing, so re-running on unchanged inputs leaves the history as it was.
INSERT INTO core.indicator_value_vintage
SELECT
    o.municipality_code, o.indicator_id, o.year, o.value, o.unit, o.preliminary, o.source, o.source_id,
    o.source_status, o.retrieved_at, o.raw_sha256, now() AS loaded_at
FROM staging.observation AS o
LEFT JOIN core.fact_indicator_value AS f USING (municipality_code, indicator_id, year)
WHERE f.indicator_id IS NULL
   OR f.value IS DISTINCT FROM o.value
   OR f.preliminary IS DISTINCT FROM o.preliminary
   OR f.source_status IS DISTINCT FROM o.source_status;
