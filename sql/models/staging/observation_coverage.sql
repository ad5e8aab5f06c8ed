-- What this run's source answers covered, per municipality and indicator: a current row in a covered year
-- that no answer sends any more gets a withdrawal vintage.

-- What this run's source answers covered: per municipality and indicator, the span of years an answer
-- speaks for (NULL: every year), when it was observed and its payload. A current row in a covered
-- year that no answer sends any more gets a withdrawal vintage (sql/load/add_withdrawals.sql).
-- Kolada: the KPIs, municipalities and years each data request asked for (Kolada leaves out rows
-- without data, so the request, not the answer, says what was covered).
SELECT
    c.municipality_code, d.indicator_id, min(c.year) AS year_from, max(c.year) AS year_to,
    max(c.retrieved_at) AS observed_at, max(c.raw_sha256) AS raw_sha256
FROM staging.kolada_coverage AS c
JOIN core.dim_indicator AS d ON d.source = 'kolada' AND d.source_id = c.kpi_id
GROUP BY c.municipality_code, d.indicator_id
UNION ALL BY NAME
-- SCB answers every cell it was asked for (a cell without a value carries a status symbol), so the
-- answer's own periods are the span it covers.
SELECT
    municipality_code, indicator_id, min(year) AS year_from, max(year) AS year_to, max(retrieved_at) AS observed_at,
    arg_max(raw_sha256, period_index) AS raw_sha256
FROM staging.scb_period
GROUP BY municipality_code, indicator_id
UNION ALL BY NAME
-- A file drop is the complete current version of its kind: it covers every year of its indicators.
SELECT p.municipality_code, d.indicator_id, NULL AS year_from, NULL AS year_to, k.observed_at, k.raw_sha256
FROM core.dim_indicator AS d
JOIN core.dim_plan AS p ON p.plan_id = d.plan_id
JOIN staging.filedrop_current_file AS k ON d.source = 'filedrop' AND d.source_id = k.kind
UNION ALL BY NAME
-- Computed measures are recomputed from their complete inputs on every run: whenever their computation
-- produced anything, it speaks for every year.
SELECT o.municipality_code, d.indicator_id, NULL AS year_from, NULL AS year_to, max(o.observed_at) AS observed_at,
       max(o.raw_sha256) AS raw_sha256
FROM core.dim_indicator AS d
JOIN staging.observation AS o ON o.source = 'computed' AND o.source_id = d.source_id
WHERE d.source = 'computed'
GROUP BY o.municipality_code, d.indicator_id
