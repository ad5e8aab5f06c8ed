-- Goal overview: every goal target of the plan in the plan's order, with its status, the latest
-- figure, the target and the gap, rounded for display and as Swedish text.
SELECT
    goal_title, target_text, status, latest_year, latest_value, target_value, target_when, gap, unit,
    latest_value_sv, target_value_sv, gap_sv, note
FROM marts.goal_status_display
ORDER BY goal_order, target_order;
