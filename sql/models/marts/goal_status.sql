-- One row per goal target with its current assessment and the plan's titles; a goal with several targets
-- has one row each, qualitative goals have status no_numeric_target. Values unrounded: round to decimals,
-- or use marts.goal_status_display. The provenance of the latest and assessed values, and whether any
-- value of the judged series is illustrative (docs/provenance.md), are marts.indicator_vs_target's (a
-- target of kind none: its indicator's value's).

-- One row per goal target with its current assessment (a goal with several targets, like the
-- result goal, has one row per target). Qualitative goals appear with status no_numeric_target.
-- Values are unrounded; `decimals` says how many to show (marts.goal_status_display rounds them).
WITH judged_series AS (
    SELECT plan_id, target_id, year, value_provenance
    FROM marts.indicator_vs_target
    WHERE role = 'target' AND value IS NOT NULL
),
illustrative AS (
    SELECT plan_id, target_id, bool_or(value_provenance = 'illustrative') AS series_has_illustrative
    FROM judged_series
    GROUP BY plan_id, target_id
)
SELECT
    g.plan_id,
    g.goal_id,
    g.title AS goal_title,
    g.level AS goal_level,
    g.area,
    g.measurable,
    t.target_id,
    t.target_text,
    t.target_kind,
    t.indicator_id,
    i.title AS indicator_title,
    CASE WHEN t.target_kind = 'share' THEN 'share' ELSE i.unit END AS unit,
    CASE WHEN t.target_kind = 'share' THEN 3 ELSE i.decimals END AS decimals,   -- how many to show (a share 0-1: 3)
    a.municipality_code,
    p.municipality_name,
    a.as_of,
    a.status,
    a.latest_year,
    a.latest_value,
    a.latest_preliminary,
    coalesce(lp.value_provenance, lf.value_provenance) AS latest_value_provenance,
    a.assessed_year,
    a.assessed_value,
    ap.value_provenance AS assessed_value_provenance,
    coalesce(il.series_has_illustrative, false) AS series_has_illustrative,
    t.target_value,
    t.target_year,
    t.period_start,
    t.period_end,
    a.gap,
    a.average_so_far,
    a.share_so_far,
    a.years_with_data,
    a.years_remaining,
    a.required_per_remaining_year,
    a.missing_years,
    a.excluded_years,
    a.series_break_in_period,
    a.failing_years,
    a.pending_years,
    a.overdue_years,
    pc.peers_with_value,
    pc.peers_meeting_target,
    pc.required_yearly_change,
    pc.required_change_years,
    pc.peers_with_change,
    pc.peers_achieving_required_change,
    pc.required_change_percentile,
    a.method,
    a.progress_band,
    ms.method_sensitive,
    a.note,
    a.note_sv,
    g.goal_order,
    t.target_order
FROM core.dim_goal AS g
JOIN core.dim_target AS t ON t.plan_id = g.plan_id AND t.goal_id = g.goal_id
JOIN core.dim_plan AS p ON p.plan_id = g.plan_id
LEFT JOIN core.target_assessment AS a ON a.plan_id = t.plan_id AND a.target_id = t.target_id
LEFT JOIN core.dim_indicator AS i ON i.plan_id = t.plan_id AND i.indicator_id = t.indicator_id
LEFT JOIN core.target_peer_context AS pc ON pc.plan_id = t.plan_id AND pc.target_id = t.target_id
LEFT JOIN marts.goal_status_methods AS ms   -- the declared method's row carries the target's method_sensitive
    ON ms.plan_id = t.plan_id AND ms.target_id = t.target_id AND ms.is_declared
LEFT JOIN judged_series AS lp ON lp.plan_id = t.plan_id AND lp.target_id = t.target_id AND lp.year = a.latest_year
LEFT JOIN judged_series AS ap ON ap.plan_id = t.plan_id AND ap.target_id = t.target_id AND ap.year = a.assessed_year
LEFT JOIN illustrative AS il ON il.plan_id = t.plan_id AND il.target_id = t.target_id
-- a target without yearly statuses (kind none) shows its indicator's latest value
LEFT JOIN core.fact_indicator_value AS lf
    ON t.target_kind = 'none' AND lf.indicator_id = t.indicator_id AND lf.municipality_code = a.municipality_code
    AND lf.year = a.latest_year
