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

-- File drops mapped onto catalogue indicators, in the common observation shape (see 59_observation.sql).
-- A file-drop indicator names its kind as source_id in the plan file; the measure per kind is here:
--   self_build_plots  self_build_starts, per year
--   sellable_land     hectares summed over the year's areas; preliminary if any of the year's rows is
--   safety_survey     value per key figure and respondent group; the indicator's source_selection is
--                     'key_figure_id=<id>;respondent_group=<group>'
-- The files are the city's own figures, so they belong to the plan's municipality. A file's rows are
-- observed when the file became the current one of its kind (staging's observed_at).
-- financial_statements lines are not indicators themselves: the plan's finance measures are computed
-- from them in 57_formula_observation.sql.
CREATE OR REPLACE VIEW staging.filedrop_observation AS
WITH measure AS (
    SELECT
        'self_build_plots' AS source_id, CAST(NULL AS VARCHAR) AS selection_key, year,
        CAST(self_build_starts AS DOUBLE) AS value, preliminary, retrieved_at, observed_at, raw_sha256
    FROM staging.filedrop_self_build_plots
    UNION ALL
    SELECT
        'sellable_land' AS source_id, NULL AS selection_key, year, sum(hectares) AS value,
        bool_or(preliminary) AS preliminary, max(retrieved_at) AS retrieved_at, max(observed_at) AS observed_at,
        max(raw_sha256) AS raw_sha256   -- one file: one sha256
    FROM staging.filedrop_sellable_land
    GROUP BY year
    UNION ALL
    SELECT
        'safety_survey' AS source_id,
        'key_figure_id=' || key_figure_id || ';respondent_group=' || respondent_group AS selection_key,
        year, value, preliminary, retrieved_at, observed_at, raw_sha256
    FROM staging.filedrop_safety_survey
)
SELECT DISTINCT
    p.municipality_code,
    d.indicator_id,
    m.year,
    m.value,
    d.unit,
    m.preliminary,
    true AS complete,
    'filedrop' AS source,
    m.source_id,
    CAST(NULL AS VARCHAR) AS source_status,
    m.retrieved_at,
    coalesce(m.observed_at, m.retrieved_at) AS observed_at,
    m.raw_sha256,
    false AS withdrawn
FROM measure AS m
JOIN core.dim_indicator AS d
    ON d.source = 'filedrop' AND d.source_id = m.source_id
    AND d.source_selection IS NOT DISTINCT FROM m.selection_key
JOIN core.dim_plan AS p ON p.plan_id = d.plan_id;
