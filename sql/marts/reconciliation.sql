-- The city's own measures beside the published figures they should agree with (the plan file's
-- reconcile_with): one row per measure, municipality and year. `within_tolerance` is false when the
-- difference exceeds the catalogue's tolerance; a non-blocking check warns about such rows.
CREATE OR REPLACE VIEW marts.reconciliation AS
SELECT
    d.plan_id,
    d.indicator_id,
    d.title AS indicator_title,
    d.reconcile_with AS published_indicator_id,
    pub_dim.title AS published_indicator_title,
    own.municipality_code,
    own.year,
    d.unit,
    own.value AS own_value,
    pub.value AS published_value,
    own.value - pub.value AS difference,
    d.reconcile_tolerance AS tolerance,
    abs(own.value - pub.value) <= d.reconcile_tolerance AS within_tolerance
FROM core.dim_indicator AS d
JOIN core.fact_indicator_value AS own ON own.indicator_id = d.indicator_id
LEFT JOIN core.dim_indicator AS pub_dim ON pub_dim.plan_id = d.plan_id AND pub_dim.indicator_id = d.reconcile_with
LEFT JOIN core.fact_indicator_value AS pub
    ON pub.indicator_id = d.reconcile_with AND pub.municipality_code = own.municipality_code AND pub.year = own.year
WHERE d.reconcile_with IS NOT NULL;
