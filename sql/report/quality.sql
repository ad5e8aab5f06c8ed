-- The scorecard's data quality: the last run's validations (meta.validation_run), each with the
-- number of failed expectations and the goals of plan $plan_id whose sources it checked. A goal is linked to the
-- suites of the payloads its values came from, to the fact table's suite, and, when one of its
-- indicators is reconciled with a published series, to the reconciliation suite.
WITH last_run AS (
    SELECT run_id FROM meta.validation_run ORDER BY validated_at DESC LIMIT 1
),
runs AS (
    SELECT r.run_id, r.suite, r.dataset, r.success, r.validated_at,
        (SELECT count(*) FROM meta.validation_result AS x
         WHERE x.run_id = r.run_id AND x.suite = r.suite AND NOT x.success) AS failed_expectations,
        (SELECT count(*) FROM meta.validation_result AS x
         WHERE x.run_id = r.run_id AND x.suite = r.suite) AS expectations
    FROM meta.validation_run AS r
    JOIN last_run USING (run_id)
),
goal_datasets AS (
    SELECT DISTINCT v.goal_id, p.source, p.dataset
    FROM marts.indicator_vs_target AS v
    JOIN raw.payload AS p ON p.sha256 IN (v.raw_sha256, v.denominator_raw_sha256)
    WHERE v.plan_id = $plan_id
),
goal_suites AS (
    SELECT DISTINCT d.goal_id, r.suite
    FROM goal_datasets AS d
    JOIN runs AS r ON r.suite = 'staging_' || d.dataset
        OR (d.source = 'kolada' AND r.suite LIKE 'staging\_kolada\_%' ESCAPE '\')
        OR (d.source = 'scb' AND r.suite LIKE 'staging\_scb\_%' ESCAPE '\')
    UNION BY NAME
    SELECT DISTINCT v.goal_id, 'core_fact_indicator_value' AS suite FROM marts.indicator_vs_target AS v
    WHERE v.plan_id = $plan_id
    UNION BY NAME
    SELECT DISTINCT v.goal_id, 'marts_reconciliation' AS suite
    FROM marts.indicator_vs_target AS v
    JOIN core.dim_indicator AS i ON i.plan_id = v.plan_id AND i.indicator_id = v.indicator_id
    WHERE v.plan_id = $plan_id AND i.reconcile_with IS NOT NULL
)
SELECT s.goal_id, r.run_id, r.suite, r.dataset, r.success, r.validated_at, r.failed_expectations, r.expectations
FROM runs AS r
LEFT JOIN goal_suites AS s USING (suite)
ORDER BY s.goal_id NULLS FIRST, r.suite;
