-- Replace one plan's assessments (incoming_* are registered by the loader; _method: by every method) and add them to the
-- history under this run (incoming_run: one row, run_id and assessed_at; no row = not recorded).
DELETE FROM core.target_assessment WHERE plan_id IN (SELECT DISTINCT plan_id FROM incoming_assessment);
INSERT INTO core.target_assessment BY NAME SELECT * FROM incoming_assessment;

DELETE FROM core.target_year_status WHERE plan_id IN (SELECT DISTINCT plan_id FROM incoming_assessment);
INSERT INTO core.target_year_status BY NAME SELECT * FROM incoming_year_status;

DELETE FROM core.target_assessment_method WHERE plan_id IN (SELECT DISTINCT plan_id FROM incoming_assessment);
INSERT INTO core.target_assessment_method BY NAME SELECT * FROM incoming_assessment_method;

-- A step re-executed within the same run replaces what that run recorded for the plan.
DELETE FROM core.target_assessment_history
WHERE run_id IN (SELECT run_id FROM incoming_run) AND plan_id IN (SELECT DISTINCT plan_id FROM incoming_assessment);
INSERT INTO core.target_assessment_history BY NAME
SELECT
    a.plan_id, a.target_id, a.municipality_code, r.run_id, CAST(r.assessed_at AS TIMESTAMPTZ) AS assessed_at,
    a.as_of, a.status, a.assessed_year, a.assessed_value, a.gap, a.latest_year, a.latest_value, a.note,
    a.latest_preliminary, a.overdue_years,
    coalesce(t.method, p.progress_method) AS method,  -- the method the plan declares: a change is method_changed
    -- the rule as judged, so a later plan edit shows as plan_changed (marts.goal_status_history)
    concat_ws(' ', 'kind=' || t.target_kind, 'indicator=' || t.indicator_id, 'denominator=' || t.denominator_indicator_id,
        'direction=' || t.direction, 'value=' || t.target_value, 'year=' || t.target_year,
        'period=' || t.period_start || '-' || t.period_end) AS target_definition,
    coalesce(t.target_year, t.period_end) AS target_end_year,
    a.note_sv
FROM incoming_assessment AS a
CROSS JOIN incoming_run AS r
LEFT JOIN core.dim_target AS t ON t.plan_id = a.plan_id AND t.target_id = a.target_id
LEFT JOIN core.dim_plan AS p ON p.plan_id = a.plan_id;
