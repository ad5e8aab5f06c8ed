-- SCB's periods made into years (sum, last or mean, per the plan) in the common observation shape; a year
-- with only some periods out is a year-to-date figure (complete = false).

WITH yearly AS (
    SELECT
        municipality_code,
        indicator_id,
        any_value(unit) AS unit,
        any_value(table_id) AS table_id,
        year,
        any_value(year_from_periods) AS year_from_periods,
        any_value(periods_per_year) AS periods_per_year,
        count(DISTINCT period_of_year) FILTER (WHERE value IS NOT NULL) AS periods_with_value,
        list(DISTINCT period_of_year) FILTER (WHERE value IS NOT NULL) AS published,
        sum(value) AS value_sum,
        avg(value) AS value_mean,
        arg_max(value, period_index) FILTER (WHERE value IS NOT NULL) AS value_last,
        max(period_of_year) FILTER (WHERE value IS NOT NULL) AS last_published,
        coalesce(bool_or(period_preliminary), false) AS preliminary,
        string_agg(period || ' ' || status, '; ' ORDER BY period) FILTER (WHERE status IS NOT NULL) AS statuses,
        -- published periods inside the revision window: why a year is preliminary, said in the data
        string_agg(period, ', ' ORDER BY period) FILTER (WHERE period_preliminary AND status IS NULL AND value IS NOT NULL)
            AS revised_periods,
        any_value(preliminary_periods) AS preliminary_periods,
        max(retrieved_at) AS retrieved_at,
        arg_max(raw_sha256, period_index) AS raw_sha256,  -- the payload of the year's latest period
        -- the weakest provenance among the periods with a value: illustrative if any is
        CASE WHEN bool_or(cell_provenance = 'illustrative') FILTER (WHERE value IS NOT NULL) THEN 'illustrative'
             WHEN bool_or(cell_provenance = 'derived') FILTER (WHERE value IS NOT NULL) THEN 'derived'
             WHEN bool_or(cell_provenance = 'published') FILTER (WHERE value IS NOT NULL) THEN 'published' ELSE 'source' END AS value_provenance
    FROM staging.scb_period
    GROUP BY municipality_code, indicator_id, year
),
missing AS (
    -- the year's periods without a value, as SCB time codes (2026K4, 2026M11)
    SELECT
        municipality_code, indicator_id, year,
        string_agg(
            CAST(year AS VARCHAR)
                || CASE periods_per_year WHEN 4 THEN 'K' || p WHEN 12 THEN 'M' || lpad(CAST(p AS VARCHAR), 2, '0') ELSE '' END,
            ', ' ORDER BY p
        ) FILTER (WHERE NOT list_contains(coalesce(published, []), p)) AS missing_periods
    FROM (SELECT municipality_code, indicator_id, year, periods_per_year, published, unnest(range(1, periods_per_year + 1)) AS p FROM yearly)
    GROUP BY municipality_code, indicator_id, year
),
judged AS (
    SELECT
        y.*,
        m.missing_periods,
        CASE y.year_from_periods
            WHEN 'last' THEN coalesce(y.last_published = y.periods_per_year, false)
            ELSE y.periods_with_value = y.periods_per_year
        END AS complete
    FROM yearly AS y
    JOIN missing AS m USING (municipality_code, indicator_id, year)
)
SELECT
    municipality_code,
    indicator_id,
    year,
    CAST(CASE year_from_periods WHEN 'last' THEN value_last WHEN 'mean' THEN value_mean ELSE value_sum END AS DOUBLE) AS value,
    unit,
    preliminary,
    complete,
    'scb' AS source,
    table_id AS source_id,
    nullif(concat_ws('; ',
        statuses,
        revised_periods || ' preliminary: among the ' || preliminary_periods || ' latest published periods, which SCB revises',
        CASE WHEN NOT complete THEN
            periods_with_value || ' of ' || periods_per_year
                || CASE periods_per_year WHEN 4 THEN ' quarters' WHEN 12 THEN ' months' ELSE ' periods' END
                || ', year to date (missing ' || missing_periods || ')'
        END
    ), '') AS source_status,
    retrieved_at,
    retrieved_at AS observed_at,
    raw_sha256,
    false AS withdrawn,
    CASE WHEN periods_with_value > 0 THEN value_provenance END AS value_provenance
FROM judged
