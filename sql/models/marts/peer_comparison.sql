-- The plan's Kolada and SCB figures beside its peers': one row per indicator, year and municipality of
-- core.peer_set, for every year in which at least one of them has a value. Ranked: the plan's own and the
-- peers with a whole-year value (not NULL, complete) that year; reference rows (Riket, the county) are
-- shown and never ranked; a municipality without a value is not ranked and not counted.

-- The plan's source figures beside its peers': one row per indicator, year and municipality of the
-- run's peer set (core.peer_set: the plan's own, its peers, and Riket and the county as reference rows),
-- for every indicator fetched from a public source for all of them (Kolada, SCB) and every year in
-- which at least one of them has a value. The plan's own computed figures (statements, file drops,
-- indices) have no peer values and are not here.
--
-- Ranked: the plan's own and its peers with a whole-year value that year (value not NULL, complete).
-- A municipality without one is not ranked and not counted; reference rows are never ranked.
--   rank               1 = best by the indicator's direction (higher: the largest value; lower: the
--                      smallest); equal values share the best rank of the tie and the next rank skips
--                      (competition ranking: 1, 2, 2, 4)
--   peer_count         how many are ranked that year (the plan's own included)
--   peer_median        the median of their values (the mean of the two middle ones for an even count)
--   distance_to_median value - peer_median, in the indicator's unit (also for reference rows)
--   percentile         100 x (how many ranked ones are strictly worse) / (peer_count - 1): 100 = better
--                      than every other, 0 = worse than every other; ties get the same percentile;
--                      NULL when the row is not ranked or peer_count is 1
--   value_provenance   the value's (docs/provenance.md); peer_median_provenance: 'illustrative' when any
--                      ranked value is, else 'derived'
WITH compared AS (
    SELECT d.plan_id, d.indicator_id, d.title AS indicator_title, d.unit, d.decimals, d.direction,
           s.municipality_code, s.municipality_name, s.role
    FROM core.dim_indicator AS d
    JOIN core.peer_set AS s USING (plan_id)
    WHERE d.source IN ('kolada', 'scb')
),
grid AS (
    SELECT c.*, y.year
    FROM compared AS c
    JOIN (
        SELECT DISTINCT c0.plan_id, c0.indicator_id, f.year
        FROM compared AS c0
        JOIN core.fact_indicator_value AS f
            ON f.indicator_id = c0.indicator_id AND f.municipality_code = c0.municipality_code
        WHERE f.value IS NOT NULL
    ) AS y USING (plan_id, indicator_id)
),
valued AS (
    SELECT
        g.*, f.value, f.preliminary, coalesce(f.complete, true) AS complete, f.value_provenance,
        g.role <> 'reference' AND f.value IS NOT NULL AND coalesce(f.complete, true) AS is_ranked,
        CASE g.direction WHEN 'lower' THEN f.value ELSE -f.value END AS badness
    FROM grid AS g
    LEFT JOIN core.fact_indicator_value AS f
        ON f.indicator_id = g.indicator_id AND f.municipality_code = g.municipality_code AND f.year = g.year
),
counted AS (
    SELECT
        *,
        count(*) FILTER (WHERE is_ranked) OVER per_year AS peer_count,
        quantile_cont(value, 0.5) FILTER (WHERE is_ranked) OVER per_year AS peer_median,
        bool_or(value_provenance = 'illustrative') FILTER (WHERE is_ranked) OVER per_year AS median_has_illustrative,
        CASE WHEN is_ranked THEN rank() OVER (PARTITION BY plan_id, indicator_id, year, is_ranked ORDER BY badness) END AS rank,
        CASE WHEN is_ranked THEN count(*) OVER (PARTITION BY plan_id, indicator_id, year, is_ranked, badness) END AS tied
    FROM valued
    WINDOW per_year AS (PARTITION BY plan_id, indicator_id, year)
)
SELECT
    plan_id,
    indicator_id,
    indicator_title,
    year,
    municipality_code,
    municipality_name,
    role,
    role = 'own' AS is_plan_municipality,
    role = 'reference' AS is_reference,
    value,
    unit,
    decimals,
    direction,
    preliminary,
    complete,
    rank,
    peer_count,
    peer_median,
    value - peer_median AS distance_to_median,
    CASE WHEN rank IS NOT NULL AND peer_count > 1
         THEN 100.0 * (peer_count - (rank - 1) - tied) / (peer_count - 1) END AS percentile,
    value_provenance,
    CASE WHEN peer_median IS NOT NULL THEN
        CASE WHEN median_has_illustrative THEN 'illustrative' ELSE 'derived' END
    END AS peer_median_provenance
FROM counted
