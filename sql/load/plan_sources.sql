-- What each plan of the warehouse is judged fresh by: the sources it reads with their publication rhythm
-- (core.plan_source) and, on each row, its Kolada KPIs (whose publication dates set Kolada's rhythm).
SELECT
    s.plan_id,
    s.source,
    s.publication_lag_days,
    s.max_age_days,
    coalesce((SELECT list(i.source_id) FROM core.dim_indicator AS i WHERE i.plan_id = s.plan_id AND i.source = 'kolada'), [])
        AS kolada_kpis
FROM core.plan_source AS s
ORDER BY s.plan_id, s.source;
