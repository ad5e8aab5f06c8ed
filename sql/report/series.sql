-- The scorecard's charts: every yearly value of the target and context series of the goals of each plan in $plan_ids,
-- with the flags the chart marks (preliminary, incomplete year, series break) and the indicator's break note.
SELECT
    v.plan_id, v.goal_id, v.target_id, v.role, v.indicator_id, v.indicator_title, v.unit,
    coalesce(v.decimals, 1) AS decimals, v.year, v.value, v.preliminary, v.complete,
    v.series_break_before, v.status, i.break_note, v.value_provenance
FROM marts.indicator_vs_target AS v
LEFT JOIN core.dim_indicator AS i ON i.plan_id = v.plan_id AND i.indicator_id = v.indicator_id
WHERE list_contains($plan_ids, v.plan_id) AND v.value IS NOT NULL
ORDER BY v.plan_id, v.goal_id, v.role DESC, v.indicator_id, v.target_id, v.year;
