-- The scorecard's earlier publications: for each plan in $plan_ids, what the published refreshes before the one
-- shown reported for each goal target (marts.goal_status_history), its five newest such rows, newest first, with
-- the unit and decimals to show the figures with. A target's newest row is the publication the page shows.
SELECT
    h.plan_id, h.goal_id, h.target_id, h.target_text, h.run_id, h.assessed_at, h.as_of, h.status,
    h.assessed_year, h.assessed_value, s.unit, coalesce(i.decimals, 1) AS decimals
FROM marts.goal_status_history AS h
LEFT JOIN marts.goal_status AS s ON s.plan_id = h.plan_id AND s.target_id = h.target_id
LEFT JOIN core.dim_indicator AS i ON i.plan_id = s.plan_id AND i.indicator_id = s.indicator_id
WHERE list_contains($plan_ids, h.plan_id)
QUALIFY row_number() OVER (PARTITION BY h.plan_id, h.target_id ORDER BY h.assessed_at DESC, h.run_id DESC) BETWEEN 2 AND 6
ORDER BY h.plan_id, h.goal_order, h.assessed_at DESC, h.run_id DESC, h.target_order;
