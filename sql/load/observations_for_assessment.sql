-- The values of the indicators one plan assesses as they were known at $known_at (vintages observed
-- by then), for the target rules; no figure for a year after the as-of year.
SELECT f.indicator_id, f.year, f.value, f.preliminary, coalesce(f.complete, true) AS complete
FROM core.fact_indicator_value_at($known_at) AS f
JOIN core.dim_indicator AS i ON i.indicator_id = f.indicator_id AND i.plan_id = $plan_id
WHERE f.municipality_code = $municipality_code AND f.year <= $last_year
ORDER BY f.indicator_id, f.year;
