-- When each source was last retrieved (Kolada, SCB: the fetch behind the staged rows) or last observed
-- (a file drop: when its current file was picked up), as a Stockholm date; one row per source, NULL
-- when it never was. indicator_pipeline/freshness.py judges these dates against each source's rhythm.
SELECT 'kolada' AS source, max(timezone('Europe/Stockholm', retrieved_at))::DATE AS last_seen FROM staging.kolada_values
UNION ALL
SELECT 'scb', max(timezone('Europe/Stockholm', retrieved_at))::DATE FROM staging.scb_values
UNION ALL
SELECT 'filedrop_financial_statements', max(timezone('Europe/Stockholm', retrieved_at))::DATE FROM staging.filedrop_financial_statements
UNION ALL
SELECT 'filedrop_safety_survey', max(timezone('Europe/Stockholm', retrieved_at))::DATE FROM staging.filedrop_safety_survey
UNION ALL
SELECT 'filedrop_self_build_plots', max(timezone('Europe/Stockholm', retrieved_at))::DATE FROM staging.filedrop_self_build_plots
UNION ALL
SELECT 'filedrop_sellable_land', max(timezone('Europe/Stockholm', retrieved_at))::DATE FROM staging.filedrop_sellable_land;
