-- Every goal target judged by every progress method side by side (docs/target-rules.md, "Progress from
-- the trend"): one row per target and method with its status, band and inputs; method_sensitive on every
-- row of a target whose status depends on the method, is_declared on the row of the plan's own method.

SELECT
    m.plan_id,
    t.goal_id,
    m.target_id,
    t.target_kind,
    t.indicator_id,
    m.municipality_code,
    m.as_of,
    m.method,
    m.method = coalesce(t.method, pl.progress_method) AS is_declared,   -- the method marts.goal_status shows (assess_all)
    m.method_used,
    m.status,
    m.progress_band,
    m.progress_ratio,
    m.trend_base_year,
    m.trend_base_value,
    m.observed_rate,
    m.required_rate,
    m.projected_value,
    m.method_fallback,
    m.latest_year,
    m.latest_value,
    t.target_value,
    min(m.status) OVER target <> max(m.status) OVER target AS method_sensitive,
    m.note,
    m.note_sv,
    t.target_order
FROM core.target_assessment_method AS m
JOIN core.dim_target AS t ON t.plan_id = m.plan_id AND t.target_id = m.target_id
JOIN core.dim_plan AS pl ON pl.plan_id = m.plan_id
WINDOW target AS (PARTITION BY m.plan_id, m.target_id)
