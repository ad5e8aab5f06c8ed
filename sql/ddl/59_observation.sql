-- Every source's observations in one shape: the input of core.indicator_value_vintage.
-- A source adds its own <source>_observation view (50-58) and one line here.
CREATE OR REPLACE VIEW staging.observation AS
SELECT * FROM staging.kolada_observation;
