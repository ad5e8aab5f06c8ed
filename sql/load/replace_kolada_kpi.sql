DELETE FROM staging.kolada_kpi;
INSERT INTO staging.kolada_kpi BY NAME
SELECT
    id AS kpi_id, title, description, is_divided_by_gender, municipality_type, auspice, operating_area,
    perspective, CAST(prel_publication_date AS DATE) AS prel_publication_date,
    CAST(publication_date AS DATE) AS publication_date, publ_period, has_ou_data, raw_sha256
FROM incoming;
