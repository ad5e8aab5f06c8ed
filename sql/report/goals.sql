-- The scorecard's overview: every goal target of each plan in $plan_ids with its status, latest value, target and
-- gap, the goal's motivation, the decimals to show the indicator with (core.dim_indicator), the target
-- against the peers (how many reach it, how many achieved the pace it needs) and whether its status depends
-- on the progress method.
SELECT
    s.plan_id, p.title AS plan_title, p.municipality_name,
    s.goal_id, s.goal_title, g.motivation, s.goal_level, s.area, s.goal_order,
    s.target_id, s.target_text, s.target_kind, s.target_order,
    s.indicator_id, s.indicator_title, s.unit, coalesce(i.decimals, 1) AS decimals,
    s.as_of, s.status, s.latest_year, s.latest_value, s.latest_preliminary, s.latest_value_provenance,
    s.target_value, s.target_year, s.period_start, s.period_end, s.gap,
    s.average_so_far, s.share_so_far, s.years_remaining, s.required_per_remaining_year, s.note, s.note_sv,
    s.peers_with_value, s.peers_meeting_target, s.peers_with_change, s.peers_achieving_required_change,
    s.method, s.method_sensitive
FROM marts.goal_status AS s
JOIN core.dim_goal AS g USING (plan_id, goal_id)
JOIN core.dim_plan AS p USING (plan_id)
LEFT JOIN core.dim_indicator AS i ON i.plan_id = s.plan_id AND i.indicator_id = s.indicator_id
WHERE list_contains($plan_ids, s.plan_id)
ORDER BY s.plan_id, s.goal_order, s.target_order;
