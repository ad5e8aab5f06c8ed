DELETE FROM staging.kolada_values;
INSERT INTO staging.kolada_values BY NAME SELECT * FROM incoming;
