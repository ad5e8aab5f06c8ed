-- Every source's observations (Kolada, SCB, file drops) in one shape: the input of the computed measures.

-- The computed indicators (staging.formula_observation, staging.index_observation) are built from these.
-- A source adds its own staging.<source>_observation model and one line here; the views are combined
-- by column name, so each may list its columns in any order.
SELECT * FROM staging.kolada_observation
UNION ALL BY NAME SELECT * FROM staging.scb_observation
UNION ALL BY NAME SELECT * FROM staging.filedrop_observation
