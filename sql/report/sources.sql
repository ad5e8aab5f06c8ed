-- The scorecard's sources per goal of each plan in $plan_ids: every archived payload a shown value came from (a share's
-- denominator too), with when it was retrieved; computed values without a payload of their own
-- show their source and the latest retrieval of their inputs.
WITH used AS (
    SELECT plan_id, goal_id, indicator_id, source, raw_sha256 AS sha256, retrieved_at FROM marts.indicator_vs_target
    WHERE list_contains($plan_ids, plan_id) AND raw_sha256 IS NOT NULL
    UNION ALL BY NAME
    SELECT plan_id, goal_id, denominator_indicator_id AS indicator_id, denominator_source AS source, denominator_raw_sha256 AS sha256,
           NULL AS retrieved_at FROM marts.indicator_vs_target
    WHERE list_contains($plan_ids, plan_id) AND denominator_raw_sha256 IS NOT NULL
)
SELECT
    u.plan_id, u.goal_id,
    coalesce(p.source, u.source) AS source,
    coalesce(p.dataset, u.source) AS dataset,
    p.licence,
    string_agg(DISTINCT i.attribution, '; ' ORDER BY i.attribution) AS attribution,
    max(coalesce(p.retrieved_at, u.retrieved_at)) AS retrieved_at
FROM used AS u
LEFT JOIN raw.payload AS p ON p.sha256 = u.sha256
LEFT JOIN core.dim_indicator AS i ON i.plan_id = u.plan_id AND i.indicator_id = u.indicator_id
GROUP BY ALL
ORDER BY u.plan_id, u.goal_id, source, dataset;
