-- Every computed measure's formula in the warehouse's catalogue (rendered into
-- sql/models/staging/formula_observation.sql), once per indicator and formula: plans sharing an indicator
-- share its series (catalog/plan_set.py), so it is computed once, under the first plan that has it,
-- not once per plan (which made the view grow with the square of the number of plans).
SELECT min(plan_id) AS plan_id, indicator_id, formula
FROM core.dim_indicator
WHERE formula IS NOT NULL
GROUP BY indicator_id, formula
ORDER BY indicator_id, plan_id;
