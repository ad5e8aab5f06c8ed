-- Every source's observations in one shape. Computed indicators (57, 58) are built from these.
-- A source adds its own <source>_observation view (50-55) and one line here.
CREATE OR REPLACE VIEW staging.source_observation AS
SELECT * FROM staging.kolada_observation
UNION ALL SELECT * FROM staging.scb_observation
UNION ALL SELECT * FROM staging.filedrop_observation;
