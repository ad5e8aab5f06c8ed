-- As-of history, what we said: the statuses the last published refresh before the end of a date
-- reported (marts.goal_status_history). Parameter: $reported_by, a TIMESTAMPTZ, e.g.
-- TIMESTAMPTZ '2026-04-01 00:00:00+02' for "what did we report at the end of March?".
SELECT goal_title, target_id, run_id, assessed_at, as_of, status, assessed_year, assessed_value, target_value, gap, note
FROM marts.goal_status_history
WHERE assessed_at < $reported_by
QUALIFY row_number() OVER (PARTITION BY plan_id, target_id ORDER BY assessed_at DESC) = 1
ORDER BY goal_order, target_order;
