-- Every computed measure's formula in the warehouse's catalogue (rendered into sql/models/staging/formula_observation.sql).
SELECT plan_id, indicator_id, formula
FROM core.dim_indicator
WHERE formula IS NOT NULL
ORDER BY plan_id, indicator_id;
