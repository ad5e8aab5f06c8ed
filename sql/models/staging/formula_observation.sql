-- The plan's computed measures with a formula (core.dim_indicator.formula: the finance measures over the
-- city's statement lines, Kolada's tax base in mnkr over Kolada KPIs) in the common observation shape; a
-- missing input or a division by zero makes the value NULL, never 0.

-- The plan's computed measures with a `formula` (the finance measures), in the common observation
-- shape. The inputs come in one long shape, by the source_id that says what a formula's names are:
--   financial_statements  the statement lines of the file drop (input_id = line_id, mnkr); the city's
--                         own figures, so they belong to the plan's municipality
--   kolada_amounts        Kolada values (input_id = KPI id, the total), per municipality
-- A formula is compiled from the plan file (core.dim_indicator.formula) into the list below, one
-- {plan_id, indicator_id, value} per computed indicator, where `input('x')` is the year's value of input x
-- (indicator_pipeline/warehouse/formulas.py renders it whenever the schema or the catalogue is
-- applied; with no formula the list is empty). A missing input makes the value NULL (never 0), and so
-- does a division by zero. A value is preliminary if any input it uses is, and is traced to the newest
-- payload among its inputs; a year without any of its inputs has no row. Its provenance is 'illustrative'
-- when any input it uses was declared so (core.declared_provenance), else 'derived'.
WITH formula_input AS (
    SELECT 'financial_statements' AS input_source, CAST(NULL AS VARCHAR) AS municipality_code, year,
           line_id AS input_id, amount_mnkr AS value, preliminary, retrieved_at,
           coalesce(observed_at, retrieved_at) AS observed_at, raw_sha256
    FROM staging.filedrop_financial_statements
    UNION ALL BY NAME
    SELECT 'kolada_amounts' AS input_source, municipality_code, year, kpi_id AS input_id, value, false AS preliminary,
           retrieved_at, retrieved_at AS observed_at, raw_sha256
    FROM staging.kolada_values
    WHERE gender = 'T' AND NOT coalesce(is_deleted, false)
),
computed AS (
    SELECT input_source, municipality_code, year,
           unnest(CAST([/* compiled formulas */] AS STRUCT(plan_id VARCHAR, indicator_id VARCHAR, value DOUBLE)[]),
                  recursive := true)
    FROM formula_input
    GROUP BY input_source, municipality_code, year
)
SELECT
    coalesce(c.municipality_code, p.municipality_code) AS municipality_code,
    d.indicator_id,
    c.year,
    any_value(c.value) AS value,
    d.unit,
    bool_or(i.preliminary) AS preliminary,
    true AS complete,
    'computed' AS source,
    d.source_id,
    CAST(NULL AS VARCHAR) AS source_status,
    max(i.retrieved_at) AS retrieved_at,
    max(i.observed_at) AS observed_at,
    arg_max(i.raw_sha256, i.observed_at) AS raw_sha256,
    false AS withdrawn,
    CASE WHEN any_value(c.value) IS NOT NULL THEN
        CASE WHEN bool_or(dp.value_provenance = 'illustrative') THEN 'illustrative' ELSE 'derived' END
    END AS value_provenance
FROM computed AS c
JOIN core.dim_indicator AS d
    ON d.plan_id = c.plan_id AND d.indicator_id = c.indicator_id AND d.source = 'computed' AND d.source_id = c.input_source
JOIN core.dim_plan AS p ON p.plan_id = d.plan_id
JOIN formula_input AS i
    ON i.input_source = c.input_source AND i.municipality_code IS NOT DISTINCT FROM c.municipality_code
    AND i.year = c.year AND list_contains(d.formula_inputs, i.input_id)
LEFT JOIN core.declared_provenance AS dp
    ON dp.payload_sha256 = i.raw_sha256
    AND (dp.source_id IS NULL
         OR (dp.source_id = i.input_id AND dp.selection_key = 'gender=T' AND dp.period = CAST(i.year AS VARCHAR)))
GROUP BY ALL
