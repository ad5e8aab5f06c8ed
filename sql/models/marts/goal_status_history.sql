-- What every published refresh reported, one row per goal target and refresh: what did we report on a date
-- (the last row before it per target), and why a status differs from the target's previous row (change_reason).

-- What every published refresh reported, one row per goal target and refresh: "what did we report
-- in March?" is
--   SELECT * FROM marts.goal_status_history WHERE assessed_at < TIMESTAMPTZ '2026-04-01 00:00:00+02'
--   QUALIFY row_number() OVER (PARTITION BY target_id ORDER BY assessed_at DESC) = 1;
-- A refresh that failed published nothing, so it is not here. change_reason (docs/target-rules.md, "Why a
-- status changed"): on a row whose status differs from the previous row of the same plan and target (by
-- assessed_at), every reason that applies, comma-separated in a fixed order. A reason needing a column the
-- previous row lacks (a row from before it was recorded: NULL) is not claimed.
WITH paired AS (
    SELECT
        h.*,
        lag(h.status) OVER w AS previous_status,
        lag(h.as_of) OVER w AS previous_as_of,
        lag(h.assessed_year) OVER w AS previous_assessed_year,
        lag(h.assessed_value) OVER w AS previous_assessed_value,
        lag(h.latest_year) OVER w AS previous_latest_year,
        lag(h.latest_value) OVER w AS previous_latest_value,
        lag(h.latest_preliminary) OVER w AS previous_latest_preliminary,
        lag(h.overdue_years) OVER w AS previous_overdue_years,
        lag(h.method) OVER w AS previous_method,
        lag(h.target_definition) OVER w AS previous_target_definition
    FROM core.target_assessment_history AS h
    WINDOW w AS (PARTITION BY h.plan_id, h.target_id ORDER BY h.assessed_at, h.run_id)
),
reasoned AS (
    SELECT
        *,
        previous_status IS NOT NULL AND status <> previous_status AS status_changed,
        nullif(concat_ws(',',
            CASE WHEN latest_year > previous_latest_year
                    OR (previous_latest_year IS NULL AND latest_year IS NOT NULL)
                    OR (assessed_year = previous_assessed_year AND previous_assessed_value IS NULL AND assessed_value IS NOT NULL)
                THEN 'new_figure' END,
            -- a preliminary flag that flips because the year ended is not a revision: only one of a year already over
            CASE WHEN (latest_year = previous_latest_year AND latest_value <> previous_latest_value)
                    OR (latest_year = previous_latest_year AND latest_preliminary <> previous_latest_preliminary
                        AND previous_as_of > make_date(latest_year, 12, 31))
                    OR (assessed_year = previous_assessed_year AND assessed_value <> previous_assessed_value
                        AND target_definition = previous_target_definition)
                THEN 'revised_figure' END,
            CASE WHEN latest_year < previous_latest_year
                    OR (latest_year IS NULL AND previous_latest_year IS NOT NULL)
                    OR (assessed_year = previous_assessed_year AND assessed_value IS NULL AND previous_assessed_value IS NOT NULL)
                THEN 'withdrawn_figure' END,
            CASE WHEN previous_as_of <= make_date(target_end_year, 12, 31) AND as_of > make_date(target_end_year, 12, 31)
                THEN 'period_ended' END,
            CASE WHEN NOT list_has_all(previous_overdue_years, overdue_years) THEN 'became_overdue' END,
            CASE WHEN target_definition <> previous_target_definition THEN 'plan_changed' END,
            CASE WHEN method <> previous_method THEN 'method_changed' END
        ), '') AS reasons_found
    FROM paired
)
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
    h.note_sv,
    g.goal_order,
    t.target_order,
    h.latest_preliminary,
    h.overdue_years,
    h.method,
    h.target_definition,
    h.status_changed,
    CASE WHEN h.status_changed THEN h.reasons_found END AS change_reason,
    h.previous_status,
    h.previous_as_of,
    h.previous_assessed_year,
    h.previous_assessed_value,
    h.previous_latest_year,
    h.previous_latest_value,
    h.previous_target_definition
FROM reasoned AS h
LEFT JOIN core.dim_target AS t ON t.plan_id = h.plan_id AND t.target_id = h.target_id
LEFT JOIN core.dim_goal AS g ON g.plan_id = t.plan_id AND g.goal_id = t.goal_id
