-- The current values of the indicators one plan assesses, for the target rules.
SELECT f.indicator_id, f.year, f.value, f.preliminary
FROM core.fact_indicator_value AS f
JOIN core.dim_indicator AS i ON i.indicator_id = f.indicator_id AND i.plan_id = $plan_id
WHERE f.municipality_code = $municipality_code
ORDER BY f.indicator_id, f.year;
