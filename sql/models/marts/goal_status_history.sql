-- What every published refresh reported, one row per goal target and refresh: what did we report on a date
-- (the last row before it per target).

-- What every published refresh reported, one row per goal target and refresh: "what did we report
-- in March?" is
--   SELECT * FROM marts.goal_status_history WHERE assessed_at < TIMESTAMPTZ '2026-04-01 00:00:00+02'
--   QUALIFY row_number() OVER (PARTITION BY target_id ORDER BY assessed_at DESC) = 1;
-- A refresh that failed published nothing, so it is not here.
SELECT
    h.plan_id,
    g.goal_id,
    g.title AS goal_title,
    h.target_id,
    t.target_text,
    t.target_kind,
    h.municipality_code,
    h.run_id,
    h.assessed_at,
    h.as_of,
    h.status,
    h.assessed_year,
    h.assessed_value,
    t.target_value,
    h.gap,
    h.latest_year,
    h.latest_value,
    h.note,
    g.goal_order,
    t.target_order
FROM core.target_assessment_history AS h
LEFT JOIN core.dim_target AS t ON t.plan_id = h.plan_id AND t.target_id = h.target_id
LEFT JOIN core.dim_goal AS g ON g.plan_id = t.plan_id AND g.goal_id = t.goal_id
