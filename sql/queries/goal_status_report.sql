-- What `indicator-pipeline status` prints: every plan's targets, or plan $plan_id's.
SELECT
    plan_id, goal_id, target_id, status, latest_year, latest_value, target_value,
    coalesce(CAST(target_year AS VARCHAR), CAST(period_start AS VARCHAR) || '-' || CAST(period_end AS VARCHAR)) AS target_when,
    gap, average_so_far, required_per_remaining_year, unit, as_of, note
FROM marts.goal_status
WHERE $plan_id IS NULL OR plan_id = $plan_id
ORDER BY plan_id, goal_order, target_order;
