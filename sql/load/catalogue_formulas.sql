-- Every computed measure's formula in the warehouse's catalogue (rendered into 57_formula_observation.sql).
SELECT plan_id, indicator_id, formula
FROM core.dim_indicator
WHERE formula IS NOT NULL
ORDER BY plan_id, indicator_id;
