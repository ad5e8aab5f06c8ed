-- The file each file-drop kind's staging table holds now: when it was first archived and when it
-- became the current one of its kind (financial_statements included).
CREATE OR REPLACE VIEW staging.filedrop_current_file AS
SELECT 'safety_survey' AS kind, source_file, raw_sha256, max(retrieved_at) AS retrieved_at,
       max(coalesce(observed_at, retrieved_at)) AS observed_at
FROM staging.filedrop_safety_survey GROUP BY source_file, raw_sha256
UNION ALL
SELECT 'financial_statements', source_file, raw_sha256, max(retrieved_at), max(coalesce(observed_at, retrieved_at))
FROM staging.filedrop_financial_statements GROUP BY source_file, raw_sha256
UNION ALL
SELECT 'self_build_plots', source_file, raw_sha256, max(retrieved_at), max(coalesce(observed_at, retrieved_at))
FROM staging.filedrop_self_build_plots GROUP BY source_file, raw_sha256
UNION ALL
SELECT 'sellable_land', source_file, raw_sha256, max(retrieved_at), max(coalesce(observed_at, retrieved_at))
FROM staging.filedrop_sellable_land GROUP BY source_file, raw_sha256;

-- Every value cell of the file drops (a numeric column of a row), with the row's identifying text
-- columns as its selection key ('k=v;k=v', sorted by column, as an indicator's source_selection), in one
-- long shape: kind, year, selection_key, column_name, value. A NULL cell stays NULL.
-- financial_statements lines are not indicators themselves: the plan's finance measures are formulas
-- over them (57_formula_observation.sql).
CREATE OR REPLACE VIEW staging.filedrop_cell AS
SELECT 'self_build_plots' AS kind, year, CAST(NULL AS VARCHAR) AS selection_key, column_name,
       CAST(value AS DOUBLE) AS value, preliminary, retrieved_at, observed_at, raw_sha256
FROM staging.filedrop_self_build_plots UNPIVOT INCLUDE NULLS (value FOR column_name IN (self_build_starts, plots_sold))
UNION ALL
SELECT 'sellable_land', year, 'area=' || area, 'hectares', hectares, preliminary, retrieved_at, observed_at, raw_sha256
FROM staging.filedrop_sellable_land
UNION ALL
SELECT 'safety_survey', year, 'key_figure_id=' || key_figure_id || ';respondent_group=' || respondent_group, 'value', value,
       preliminary, retrieved_at, observed_at, raw_sha256
FROM staging.filedrop_safety_survey;

-- File drops mapped onto catalogue indicators, in the common observation shape (see 59_observation.sql).
-- What each indicator measures is in the plan file: the kind (source_id), the column (value_column),
-- the rows (source_selection; none: every row of the year) and how a year's rows make its value
-- (year_from_rows: sum or mean); preliminary if any of those rows is. The files are the city's own
-- figures, so they belong to the plan's municipality. A file's rows are observed when the file became
-- the current one of its kind (staging's observed_at).
CREATE OR REPLACE VIEW staging.filedrop_observation AS
SELECT
    p.municipality_code,
    d.indicator_id,
    c.year,
    CASE d.year_from_rows WHEN 'mean' THEN avg(c.value) ELSE sum(c.value) END AS value,
    d.unit,
    bool_or(c.preliminary) AS preliminary,
    true AS complete,
    'filedrop' AS source,
    d.source_id,
    CAST(NULL AS VARCHAR) AS source_status,
    max(c.retrieved_at) AS retrieved_at,
    max(coalesce(c.observed_at, c.retrieved_at)) AS observed_at,
    max(c.raw_sha256) AS raw_sha256,   -- one file per kind: one sha256
    false AS withdrawn
FROM staging.filedrop_cell AS c
JOIN core.dim_indicator AS d
    ON d.source = 'filedrop' AND d.source_id = c.kind AND d.value_column = c.column_name
    AND (d.source_selection IS NULL OR d.source_selection = c.selection_key)
JOIN core.dim_plan AS p ON p.plan_id = d.plan_id
GROUP BY p.municipality_code, d.indicator_id, c.year, d.unit, d.source_id, d.year_from_rows;
