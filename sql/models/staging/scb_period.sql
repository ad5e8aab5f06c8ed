-- SCB's staged cells mapped onto the plan's indicators, one row per period, with the period's position and
-- whether it is preliminary (the input of staging.scb_observation).

-- SCB's staged periods made into years and mapped onto catalogue indicators, in the common observation
-- shape (the columns of staging.observation).
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
WITH cells AS (
    SELECT
        v.*,
        coalesce(p.value_provenance, 'source') AS cell_provenance,  -- declared for the cell or payload, else 'source'
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
    LEFT JOIN core.declared_provenance AS p
        ON p.payload_sha256 = v.raw_sha256
        AND (p.source_id IS NULL
             OR (p.source_id = v.table_id AND p.selection_key = v.selection_key AND p.period = v.period))
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
FROM indexed
