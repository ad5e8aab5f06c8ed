-- SCB's staged periods made into years and mapped onto catalogue indicators, in the common observation
-- shape (the columns of 59_observation.sql, in this order).
--
-- A cell belongs to an indicator when the indicator's source is 'scb', its source_id is the table and
-- its source_selection is the cell's selection key; the region is the municipality (SCB's two-digit
-- region codes, Riket 00 and the counties 01-25, are written as Kolada's region ids 0000 and 00LL, so
-- the reference rows of both sources are one municipality_code). Periods are SCB
-- time codes: YYYYKn (4 a year), YYYYMnn (12 a year) or YYYY (1 a year).
--
-- How the periods make a year is the indicator's `year_from_periods` (plan file): `sum` (a flow, e.g.
-- dwellings started), `last` (a stock: the year's last period) or `mean`. A year is COMPLETE only when
-- every period it needs has a value (sum and mean: all of them; last: the year's last period). A year
-- with fewer is a year-to-date figure (complete = false; source_status says how many periods and which
-- are missing) that the target rules never use as a whole year. A period SCB sends without a value
-- (status '..', '.', ':') is missing, never 0.
--
-- Preliminary: every period within the indicator's `preliminary_periods` window, counted back from the
-- latest period of the series that has a value, and every period with a status symbol; a year is
-- preliminary when any of its periods is (SCB revises recent quarters for about a year).
CREATE OR REPLACE VIEW staging.scb_period AS
WITH cells AS (
    SELECT
        v.*,
        CASE WHEN length(v.region) = 2 THEN '00' || v.region ELSE v.region END AS municipality_code,
        d.indicator_id,
        d.unit,
        coalesce(d.year_from_periods, 'sum') AS year_from_periods,
        coalesce(d.preliminary_periods, 0) AS preliminary_periods,
        CAST(left(v.period, 4) AS INTEGER) AS year,
        CASE
            WHEN regexp_full_match(v.period, '[0-9]{4}K[1-4]') THEN 4
            WHEN regexp_full_match(v.period, '[0-9]{4}M(0[1-9]|1[0-2])') THEN 12
            WHEN regexp_full_match(v.period, '[0-9]{4}') THEN 1
        END AS periods_per_year,
        CASE WHEN length(v.period) > 4 THEN CAST(substr(v.period, 6) AS INTEGER) ELSE 1 END AS period_of_year
    FROM staging.scb_values AS v
    JOIN core.dim_indicator AS d
        ON d.source = 'scb' AND d.source_id = v.table_id AND d.source_selection = v.selection_key
),
indexed AS (
    SELECT *, year * periods_per_year + period_of_year - 1 AS period_index
    FROM cells
    WHERE periods_per_year IS NOT NULL
)
SELECT
    *,
    status IS NOT NULL
        OR period_index > max(period_index) FILTER (WHERE value IS NOT NULL)
            OVER (PARTITION BY indicator_id, municipality_code) - preliminary_periods AS period_preliminary
FROM indexed;

CREATE OR REPLACE VIEW staging.scb_observation AS
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
        arg_max(raw_sha256, period_index) AS raw_sha256  -- the payload of the year's latest period
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
    false AS withdrawn
FROM judged;
