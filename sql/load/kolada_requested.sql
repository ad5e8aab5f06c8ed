-- How many KPI x municipality x year cells the staged Kolada data requests asked for (the row-count
-- expectation of staging.kolada_values scales with it).
SELECT count(*) FROM (SELECT DISTINCT kpi_id, municipality_code, year FROM staging.kolada_coverage);
