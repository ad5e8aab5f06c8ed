-- Kolada's own publication rhythm per KPI: the latest (or next) year published and its date.
SELECT kpi_id, publ_period, publication_date
FROM staging.kolada_kpi
WHERE publication_date IS NOT NULL AND regexp_full_match(publ_period, '[0-9]{4}');
