-- When each source was last retrieved (Kolada, SCB: the fetch behind the staged rows) or last observed
-- (a file drop: when its current file was picked up), as a Stockholm date; one row per source, NULL
-- when it never was. indicator_pipeline/freshness.py judges these dates against each source's rhythm.
SELECT 'kolada' AS source, max(timezone('Europe/Stockholm', retrieved_at))::DATE AS last_seen FROM staging.kolada_values
UNION ALL BY NAME
SELECT 'scb' AS source, max(timezone('Europe/Stockholm', retrieved_at))::DATE AS last_seen FROM staging.scb_values
UNION ALL BY NAME
SELECT 'filedrop_financial_statements' AS source, max(timezone('Europe/Stockholm', retrieved_at))::DATE AS last_seen FROM staging.filedrop_financial_statements
UNION ALL BY NAME
SELECT 'filedrop_safety_survey' AS source, max(timezone('Europe/Stockholm', retrieved_at))::DATE AS last_seen FROM staging.filedrop_safety_survey
UNION ALL BY NAME
SELECT 'filedrop_self_build_plots' AS source, max(timezone('Europe/Stockholm', retrieved_at))::DATE AS last_seen FROM staging.filedrop_self_build_plots
UNION ALL BY NAME
SELECT 'filedrop_sellable_land' AS source, max(timezone('Europe/Stockholm', retrieved_at))::DATE AS last_seen FROM staging.filedrop_sellable_land;
