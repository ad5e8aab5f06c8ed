-- As-of history, what we knew: every indicator's yearly figures as the warehouse knew them at a
-- moment (core.fact_indicator_value_at: the latest vintage observed by then, withdrawals applied),
-- beside today's figure. Parameters: $known_at, a TIMESTAMPTZ, e.g.
-- TIMESTAMPTZ '2026-06-30 23:59:59+02'; $municipality_code, e.g. the plan's
-- (core.dim_plan.municipality_code).
SELECT
    k.indicator_id, i.title AS indicator_title, k.year, k.value AS value_then, k.preliminary AS preliminary_then,
    k.observed_at, f.value AS value_now, k.value IS DISTINCT FROM f.value AS revised_since, i.unit
FROM core.fact_indicator_value_at($known_at) AS k
JOIN core.dim_indicator AS i ON i.indicator_id = k.indicator_id
LEFT JOIN core.fact_indicator_value AS f
    ON f.municipality_code = k.municipality_code AND f.indicator_id = k.indicator_id AND f.year = k.year
WHERE k.municipality_code = $municipality_code
ORDER BY k.indicator_id, k.year;
