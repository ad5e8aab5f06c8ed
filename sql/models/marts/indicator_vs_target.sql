-- One row per goal target, indicator and year: the value, its target and the year's status; role target
-- for the judged series, context for comparison series beside it.

-- One row per goal target, indicator and year: the value, its target and the year's status.
-- role = 'target' for the series the target is judged on; 'context' for comparison series shown
-- beside it (e.g. NKI on the old definition, Kolada's public safety index), which carry no target.
-- `complete` = false marks a year-to-date figure (status 'incomplete'): never judged as the year.
-- A share target's row is the year's share; its lineage is the numerator's (source, raw_sha256) and
-- the denominator_* columns, and it is preliminary when either part is. value_provenance
-- (docs/provenance.md): the value's; a share's is 'illustrative' when either part is, else 'derived'.
WITH target_rows AS (
    SELECT
        t.plan_id, t.goal_id, t.target_id, 'target' AS role,
        CASE WHEN t.target_kind = 'share' THEN NULL ELSE t.indicator_id END AS value_indicator_id,
        t.indicator_id, ys.municipality_code, ys.year, ys.value, ys.status, ys.complete
    FROM core.dim_target AS t
    JOIN core.target_year_status AS ys USING (plan_id, target_id)
),
context_rows AS (
    SELECT
        t.plan_id, t.goal_id, t.target_id, 'context' AS role, c.indicator_id AS value_indicator_id,
        c.indicator_id, f.municipality_code, f.year, f.value, 'no_numeric_target' AS status, f.complete
    FROM core.goal_context_indicator AS c
    JOIN core.dim_target AS t ON t.plan_id = c.plan_id AND t.goal_id = c.goal_id
        AND t.target_order = (SELECT min(target_order) FROM core.dim_target AS f0
                              WHERE f0.plan_id = t.plan_id AND f0.goal_id = t.goal_id)
    JOIN core.dim_plan AS p ON p.plan_id = c.plan_id
    JOIN core.fact_indicator_value AS f
        ON f.indicator_id = c.indicator_id AND f.municipality_code = p.municipality_code
),
all_rows AS (
    SELECT * FROM target_rows
    UNION ALL BY NAME
    SELECT * FROM context_rows
)
SELECT
    r.plan_id,
    r.goal_id,
    g.title AS goal_title,
    r.target_id,
    t.target_kind,
    r.role,
    r.indicator_id,
    i.title AS indicator_title,
    r.municipality_code,
    p.municipality_name,
    r.year,
    r.value,
    CASE WHEN t.target_kind = 'share' AND r.role = 'target' THEN 'share' ELSE i.unit END AS unit,
    i.decimals,
    coalesce(coalesce(f.preliminary, n.preliminary) OR coalesce(dn.preliminary, false), false) AS preliminary,
    coalesce(r.complete, true) AS complete,
    list_contains(coalesce(i.series_break_years, []), r.year) AS series_break_before,
    CASE WHEN r.role = 'target' THEN t.target_value END AS target_value,
    CASE WHEN r.role = 'target' THEN t.target_year END AS target_year,
    CASE WHEN r.role = 'target' THEN t.period_start END AS period_start,
    CASE WHEN r.role = 'target' THEN t.period_end END AS period_end,
    r.role = 'target'
        AND coalesce(r.year = t.target_year OR r.year BETWEEN t.period_start AND t.period_end, false)
        AS in_target_period,
    r.status,
    coalesce(f.source, n.source) AS source,
    coalesce(f.source_id, n.source_id) AS source_id,
    coalesce(f.retrieved_at, n.retrieved_at) AS retrieved_at,
    coalesce(f.raw_sha256, n.raw_sha256) AS raw_sha256,
    coalesce(f.source_status, n.source_status) AS source_status,
    t.denominator_indicator_id,
    dn.value AS denominator_value,
    dn.preliminary AS denominator_preliminary,
    dn.source AS denominator_source,
    dn.raw_sha256 AS denominator_raw_sha256,
    CASE
        WHEN r.value IS NULL THEN NULL
        WHEN t.target_kind = 'share' AND r.role = 'target' THEN
            CASE WHEN 'illustrative' IN (n.value_provenance, dn.value_provenance) THEN 'illustrative' ELSE 'derived' END
        ELSE f.value_provenance
    END AS value_provenance
FROM all_rows AS r
JOIN core.dim_goal AS g ON g.plan_id = r.plan_id AND g.goal_id = r.goal_id
JOIN core.dim_target AS t ON t.plan_id = r.plan_id AND t.target_id = r.target_id
JOIN core.dim_plan AS p ON p.plan_id = r.plan_id
LEFT JOIN core.dim_indicator AS i ON i.plan_id = r.plan_id AND i.indicator_id = r.indicator_id
LEFT JOIN core.fact_indicator_value AS f
    ON f.indicator_id = r.value_indicator_id AND f.municipality_code = r.municipality_code AND f.year = r.year
-- share targets: the numerator and the denominator of the year's share
LEFT JOIN core.fact_indicator_value AS n
    ON t.target_kind = 'share' AND r.role = 'target'
    AND n.indicator_id = t.indicator_id AND n.municipality_code = r.municipality_code AND n.year = r.year
LEFT JOIN core.fact_indicator_value AS dn
    ON t.target_kind = 'share' AND r.role = 'target'
    AND dn.indicator_id = t.denominator_indicator_id AND dn.municipality_code = r.municipality_code AND dn.year = r.year
