-- The file each file-drop kind's staging table holds now, with when it was first archived and when it
-- became the current one.

-- The file each file-drop kind's staging table holds now: when it was first archived and when it
-- became the current one of its kind (financial_statements included).
SELECT 'safety_survey' AS kind, source_file, raw_sha256, max(retrieved_at) AS retrieved_at,
       max(coalesce(observed_at, retrieved_at)) AS observed_at
FROM staging.filedrop_safety_survey GROUP BY source_file, raw_sha256
UNION ALL BY NAME
SELECT 'financial_statements' AS kind, source_file, raw_sha256, max(retrieved_at) AS retrieved_at,
       max(coalesce(observed_at, retrieved_at)) AS observed_at
FROM staging.filedrop_financial_statements GROUP BY source_file, raw_sha256
UNION ALL BY NAME
SELECT 'self_build_plots' AS kind, source_file, raw_sha256, max(retrieved_at) AS retrieved_at,
       max(coalesce(observed_at, retrieved_at)) AS observed_at
FROM staging.filedrop_self_build_plots GROUP BY source_file, raw_sha256
UNION ALL BY NAME
SELECT 'sellable_land' AS kind, source_file, raw_sha256, max(retrieved_at) AS retrieved_at,
       max(coalesce(observed_at, retrieved_at)) AS observed_at
FROM staging.filedrop_sellable_land GROUP BY source_file, raw_sha256
