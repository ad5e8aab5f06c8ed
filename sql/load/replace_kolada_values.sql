DELETE FROM staging.kolada_values;
INSERT INTO staging.kolada_values BY NAME SELECT * FROM incoming;

DELETE FROM staging.kolada_coverage;
INSERT INTO staging.kolada_coverage BY NAME
SELECT kpi_id, municipality_code, year, raw_sha256, CAST(retrieved_at AS TIMESTAMPTZ) AS retrieved_at
FROM incoming_coverage;
