-- The scorecard's peer position per goal of each plan in $plan_ids: for every indicator a goal shows (its target and context
-- series) that is compared with peers (marts.peer_comparison), the latest year in which the plan's own
-- municipality is ranked: its value, rank among peer_count, the peers' median, and the reference rows
-- (Riket, the county) that year.
WITH shown AS (
    SELECT DISTINCT plan_id, goal_id, indicator_id FROM marts.indicator_vs_target WHERE list_contains($plan_ids, plan_id)
),
own AS (
    SELECT *
    FROM marts.peer_comparison
    WHERE list_contains($plan_ids, plan_id) AND is_plan_municipality AND rank IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY plan_id, indicator_id ORDER BY year DESC) = 1
)
SELECT
    s.plan_id, s.goal_id, o.indicator_id, o.indicator_title, o.unit, coalesce(o.decimals, 1) AS decimals, o.year,
    o.value, o.rank, o.peer_count, o.peer_median, o.percentile,
    riket.value AS riket_value,
    county.municipality_name AS county_name,
    county.value AS county_value,
    o.value_provenance, o.peer_median_provenance,
    riket.value_provenance AS riket_value_provenance, county.value_provenance AS county_value_provenance
FROM shown AS s
JOIN own AS o USING (plan_id, indicator_id)
LEFT JOIN marts.peer_comparison AS riket
    ON riket.plan_id = o.plan_id AND riket.indicator_id = o.indicator_id AND riket.year = o.year
    AND riket.is_reference AND riket.municipality_code = '0000'
LEFT JOIN marts.peer_comparison AS county
    ON county.plan_id = o.plan_id AND county.indicator_id = o.indicator_id AND county.year = o.year
    AND county.is_reference AND county.municipality_code <> '0000'
ORDER BY s.plan_id, s.goal_id, o.indicator_id;
