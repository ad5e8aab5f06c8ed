-- Every value cell of the file drops (a number column of a row) in one long shape, with the row's
-- identifying text columns as its selection key: what file-drop indicators select from (value_column,
-- source_selection).

-- Every value cell of the file drops (a numeric column of a row), with the row's identifying text
-- columns as its selection key ('k=v;k=v', sorted by column, as an indicator's source_selection), in one
-- long shape: kind, year, selection_key, column_name, value. A NULL cell stays NULL.
-- financial_statements lines are not indicators themselves: the plan's finance measures are formulas
-- over them (staging.formula_observation).
SELECT 'self_build_plots' AS kind, year, CAST(NULL AS VARCHAR) AS selection_key, column_name,
       CAST(value AS DOUBLE) AS value, preliminary, retrieved_at, observed_at, raw_sha256
FROM staging.filedrop_self_build_plots UNPIVOT INCLUDE NULLS (value FOR column_name IN (self_build_starts, plots_sold))
UNION ALL BY NAME
SELECT 'sellable_land' AS kind, year, 'area=' || area AS selection_key, 'hectares' AS column_name, hectares AS value,
       preliminary, retrieved_at, observed_at, raw_sha256
FROM staging.filedrop_sellable_land
UNION ALL BY NAME
SELECT 'safety_survey' AS kind, year, 'key_figure_id=' || key_figure_id || ';respondent_group=' || respondent_group AS selection_key,
       'value' AS column_name, value,
       preliminary, retrieved_at, observed_at, raw_sha256
FROM staging.filedrop_safety_survey
