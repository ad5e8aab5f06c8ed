-- The scorecard's data quality: the last run's validations (meta.validation_run), each with the
-- number of failed expectations and, for each plan in $plan_ids, the plan's goals whose sources it checked
-- (every validation once per plan, with no goal when it checked none of the plan's). A goal is linked to the
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
plans AS (
    SELECT DISTINCT unnest($plan_ids) AS plan_id
),
goal_datasets AS (
    SELECT DISTINCT v.plan_id, v.goal_id, p.source, p.dataset
    FROM marts.indicator_vs_target AS v
    JOIN raw.payload AS p ON p.sha256 IN (v.raw_sha256, v.denominator_raw_sha256)
    WHERE list_contains($plan_ids, v.plan_id)
),
goal_suites AS (
    SELECT DISTINCT d.plan_id, d.goal_id, r.suite
    FROM goal_datasets AS d
    JOIN runs AS r ON r.suite = 'staging_' || d.dataset
        OR (d.source = 'kolada' AND r.suite LIKE 'staging\_kolada\_%' ESCAPE '\')
        OR (d.source = 'scb' AND r.suite LIKE 'staging\_scb\_%' ESCAPE '\')
    UNION BY NAME
    SELECT DISTINCT v.plan_id, v.goal_id, 'core_fact_indicator_value' AS suite FROM marts.indicator_vs_target AS v
    WHERE list_contains($plan_ids, v.plan_id)
    UNION BY NAME
    SELECT DISTINCT v.plan_id, v.goal_id, 'marts_reconciliation' AS suite
    FROM marts.indicator_vs_target AS v
    JOIN core.dim_indicator AS i ON i.plan_id = v.plan_id AND i.indicator_id = v.indicator_id
    WHERE list_contains($plan_ids, v.plan_id) AND i.reconcile_with IS NOT NULL
)
SELECT pl.plan_id, s.goal_id, r.run_id, r.suite, r.dataset, r.success, r.validated_at, r.failed_expectations, r.expectations
FROM plans AS pl
CROSS JOIN runs AS r
LEFT JOIN goal_suites AS s ON s.plan_id = pl.plan_id AND s.suite = r.suite
ORDER BY pl.plan_id, s.goal_id NULLS FIRST, r.suite;
