-- The scorecard's "changed since the last report": for each plan in $plan_ids, the targets whose status in the
-- plan's latest published refresh differs from their previous one (marts.goal_status_history), with the
-- reasons, the old and new figures, and the unit and decimals to show them with.
WITH latest_run AS (
    SELECT plan_id, run_id FROM core.target_assessment_history
    WHERE list_contains($plan_ids, plan_id)
    QUALIFY row_number() OVER (PARTITION BY plan_id ORDER BY assessed_at DESC, run_id DESC) = 1
)
SELECT
    h.plan_id, h.goal_id, h.goal_title, h.target_id, h.target_text, s.unit, coalesce(i.decimals, 1) AS decimals,
    h.previous_status, h.status, h.change_reason, h.previous_as_of, h.as_of,
    h.previous_assessed_year, h.previous_assessed_value, h.assessed_year, h.assessed_value,
    h.previous_latest_year, h.previous_latest_value, h.latest_year, h.latest_value
FROM marts.goal_status_history AS h
JOIN latest_run USING (plan_id, run_id)
LEFT JOIN marts.goal_status AS s ON s.plan_id = h.plan_id AND s.target_id = h.target_id
LEFT JOIN core.dim_indicator AS i ON i.plan_id = s.plan_id AND i.indicator_id = s.indicator_id
WHERE h.status_changed
ORDER BY h.plan_id, h.goal_order, h.target_order;
