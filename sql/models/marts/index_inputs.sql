-- Every input of every computed index value (e.g. the safety index): key figure, value, score after
-- direction, weight, payload, and the index value it went into.

-- Every input of every computed index value (e.g. the safety index): which key figure, its value,
-- its score after direction, its weight, and the payload it came from.
SELECT
    v.plan_id,
    v.index_indicator_id,
    v.municipality_code,
    v.year,
    v.component_indicator_id,
    d.title AS component_title,
    d.unit AS component_unit,
    v.value,
    v.score,
    v.weight,
    v.preliminary,
    v.retrieved_at,
    v.raw_sha256,
    f.value AS index_value
FROM staging.index_component_value AS v
JOIN core.dim_indicator AS d ON d.plan_id = v.plan_id AND d.indicator_id = v.component_indicator_id
LEFT JOIN core.fact_indicator_value AS f
    ON f.indicator_id = v.index_indicator_id AND f.municipality_code = v.municipality_code AND f.year = v.year
