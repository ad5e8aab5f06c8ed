-- The file drops mapped onto the plan's indicators (kind, value column, rows and how a year's rows make
-- its value, from the plan file) in the common observation shape (observed when the file became current).

-- File drops mapped onto catalogue indicators, in the common observation shape (see staging.observation).
-- What each indicator measures is in the plan file: the kind (source_id), the column (value_column),
-- the rows (source_selection; none: every row of the year) and how a year's rows make its value
-- (year_from_rows: sum or mean); preliminary if any of those rows is. The files are the city's own
-- figures, so they belong to the plan's municipality. A file's rows are observed when the file became
-- the current one of its kind (staging's observed_at). An indicator two plans of one municipality share
-- is mapped once (DISTINCT), never summed twice. value_provenance: the weakest declared for the rows'
-- file (core.declared_provenance: a file drop is declared whole), else 'source'.
WITH indicator AS (
    SELECT DISTINCT p.municipality_code, d.indicator_id, d.unit, d.source_id, d.value_column, d.source_selection, d.year_from_rows
    FROM core.dim_indicator AS d
    JOIN core.dim_plan AS p ON p.plan_id = d.plan_id
    WHERE d.source = 'filedrop'
)
SELECT
    d.municipality_code,
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
    false AS withdrawn,
    CASE WHEN count(c.value) > 0 THEN
        CASE WHEN bool_or(coalesce(p.value_provenance, 'source') = 'illustrative') THEN 'illustrative'
             WHEN bool_or(coalesce(p.value_provenance, 'source') = 'derived') THEN 'derived'
             WHEN bool_or(coalesce(p.value_provenance, 'source') = 'published') THEN 'published' ELSE 'source' END
    END AS value_provenance
FROM staging.filedrop_cell AS c
JOIN indicator AS d
    ON d.source_id = c.kind AND d.value_column = c.column_name
    AND (d.source_selection IS NULL OR d.source_selection = c.selection_key)
LEFT JOIN core.declared_provenance AS p ON p.payload_sha256 = c.raw_sha256 AND p.source_id IS NULL
GROUP BY d.municipality_code, d.indicator_id, c.year, d.unit, d.source_id, d.year_from_rows
