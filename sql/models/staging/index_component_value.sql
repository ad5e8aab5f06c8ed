-- The inputs of every computed index value (e.g. the safety index): each component's value, score and
-- weight, traceable to its payload.

-- The inputs of every computed index value, traceable to their payloads.
SELECT
    c.plan_id,
    c.index_indicator_id,
    o.municipality_code,
    o.year,
    c.component_indicator_id,
    o.value,
    CASE WHEN c.direction = 'lower' THEN 100 - o.value ELSE o.value END AS score,
    c.weight,
    o.preliminary,
    o.retrieved_at,
    o.observed_at,
    o.raw_sha256,
    o.value_provenance
FROM core.index_component AS c
JOIN core.dim_plan AS p ON p.plan_id = c.plan_id
JOIN staging.source_observation AS o
    ON o.indicator_id = c.component_indicator_id AND o.municipality_code = p.municipality_code
WHERE o.value IS NOT NULL AND o.complete AND NOT o.withdrawn AND o.year >= c.base_year
