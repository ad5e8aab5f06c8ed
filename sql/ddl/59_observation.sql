-- All observations, from sources and computed: the input of core.indicator_value_vintage.
CREATE OR REPLACE VIEW staging.observation AS
SELECT * FROM staging.source_observation
UNION ALL SELECT * FROM staging.formula_observation
UNION ALL SELECT * FROM staging.index_observation;
