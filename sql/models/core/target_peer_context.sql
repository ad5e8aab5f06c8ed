-- Each goal target against the plan's peers (core.peer_set, role peer; the plan's own municipality never
-- counted): how many meet the target level in their latest comparable year, and how many achieved the
-- yearly change the plan needs. Level targets on a Kolada or SCB indicator only (docs/target-rules.md,
-- "Targets against peers"); marts.goal_status shows the columns.

-- Comparable figures only: whole years (complete, value not NULL; a missing value is never 0) that are
-- over on the as-of date, up to the target year (a period target: its end year), from the indicator's
-- latest series break up to then. The plan's own latest such value is read from core.target_year_status
-- (as known on the as-of date), the peers' from core.fact_indicator_value (their current values).
-- Changes are compared rounded to 9 decimals so that floating-point noise never decides a tie.
WITH targets AS (
    SELECT
        t.plan_id, t.target_id, t.target_kind, t.indicator_id, t.target_value, t.period_start,
        CASE t.direction WHEN 'lower' THEN -1 ELSE 1 END AS better,   -- a change times this: > 0 is better
        coalesce(t.target_year, t.period_end) AS horizon,
        p.municipality_code AS own_code,
        a.status, a.required_per_remaining_year,
        least(coalesce(t.target_year, t.period_end), year(a.as_of) - 1) AS window_end,   -- the last year used
        coalesce((SELECT max(b) FROM unnest(i.series_break_years) AS u(b)
                  WHERE b <= coalesce(t.target_year, t.period_end, year(a.as_of))), 0) AS comparable_from
    FROM core.dim_target AS t
    JOIN core.dim_plan AS p USING (plan_id)
    JOIN core.dim_indicator AS i ON i.plan_id = t.plan_id AND i.indicator_id = t.indicator_id
    JOIN core.target_assessment AS a ON a.plan_id = t.plan_id AND a.target_id = t.target_id
    WHERE t.target_kind IN ('threshold_in_year', 'amount_in_year', 'threshold_every_year', 'period_average')
      AND t.target_value IS NOT NULL
      AND i.source IN ('kolada', 'scb')   -- fetched for the peers too (marts.peer_comparison)
      AND EXISTS (SELECT 1 FROM core.peer_set AS s WHERE s.plan_id = t.plan_id AND s.role = 'peer')
),
own_latest AS (
    SELECT t.plan_id, t.target_id, y.year, y.value
    FROM targets AS t
    JOIN core.target_year_status AS y USING (plan_id, target_id)
    WHERE y.value IS NOT NULL AND y.complete
      AND y.year BETWEEN t.comparable_from AND t.window_end
    QUALIFY row_number() OVER (PARTITION BY t.plan_id, t.target_id ORDER BY y.year DESC) = 1
),
needed AS (
    -- The yearly change the plan needs over the n years from its latest comparable whole year to the
    -- target (end) year; NULL once the target is decided or no year remains.
    SELECT
        t.*, o.year AS own_year, t.horizon - o.year AS years_left,
        CASE
            WHEN t.status IN ('met', 'not_met') OR t.horizon - o.year < 1 THEN NULL
            WHEN t.target_kind = 'period_average'
                -- the steady change from the latest value that makes the remaining years average the
                -- required yearly value: (required - latest) / (mean of the remaining years - latest year)
                THEN (t.required_per_remaining_year - o.value)
                     / ((greatest(o.year + 1, t.period_start) + t.horizon) / 2.0 - o.year)
            ELSE (t.target_value - o.value) / (t.horizon - o.year)
        END AS required_yearly_change
    FROM targets AS t
    LEFT JOIN own_latest AS o USING (plan_id, target_id)
),
peer_values AS (
    SELECT n.plan_id, n.target_id, f.municipality_code, f.year, f.value
    FROM needed AS n
    JOIN core.peer_set AS s ON s.plan_id = n.plan_id AND s.role = 'peer' AND s.municipality_code <> n.own_code
    JOIN core.fact_indicator_value AS f ON f.indicator_id = n.indicator_id AND f.municipality_code = s.municipality_code
    WHERE f.value IS NOT NULL AND coalesce(f.complete, true)
      AND f.year BETWEEN n.comparable_from AND n.window_end
),
peer_latest AS (
    SELECT *
    FROM peer_values
    QUALIFY row_number() OVER (PARTITION BY plan_id, target_id, municipality_code ORDER BY year DESC) = 1
),
peers AS (
    SELECT
        n.plan_id, n.target_id,
        n.better * (l.value - n.target_value) >= 0 AS meets_target,
        -- achieved over the plan's n years: (latest value - value n years earlier) / n
        round(n.better * (l.value - e.value) / n.years_left, 9) AS achieved,
        round(n.better * n.required_yearly_change, 9) AS needed
    FROM needed AS n
    JOIN peer_latest AS l USING (plan_id, target_id)
    LEFT JOIN peer_values AS e
        ON e.plan_id = l.plan_id AND e.target_id = l.target_id AND e.municipality_code = l.municipality_code
        AND e.year = l.year - n.years_left AND n.required_yearly_change IS NOT NULL
)
SELECT
    n.plan_id,
    n.target_id,
    count(p.target_id) AS peers_with_value,
    CASE WHEN count(p.target_id) > 0 THEN count(*) FILTER (WHERE p.meets_target) END AS peers_meeting_target,
    n.required_yearly_change,
    CASE WHEN n.required_yearly_change IS NOT NULL THEN n.years_left END AS required_change_years,
    CASE WHEN n.required_yearly_change IS NOT NULL THEN count(p.achieved) END AS peers_with_change,
    CASE WHEN count(p.achieved) > 0 THEN count(*) FILTER (WHERE p.achieved >= p.needed) END
        AS peers_achieving_required_change,
    CASE WHEN count(p.achieved) > 0 THEN 100.0 * count(*) FILTER (WHERE p.achieved < p.needed) / count(p.achieved) END
        AS required_change_percentile
FROM needed AS n
LEFT JOIN peers AS p USING (plan_id, target_id)
GROUP BY n.plan_id, n.target_id, n.required_yearly_change, n.years_left
