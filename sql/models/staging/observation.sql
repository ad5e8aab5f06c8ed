-- All observations, from the sources and computed, in one shape: the input of
-- core.indicator_value_vintage.

-- All observations, from sources and computed: the input of core.indicator_value_vintage.
SELECT * FROM staging.source_observation
UNION ALL BY NAME SELECT * FROM staging.formula_observation
UNION ALL BY NAME SELECT * FROM staging.index_observation
