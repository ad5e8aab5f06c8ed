-- The plans the warehouse holds.
SELECT plan_id FROM core.dim_plan ORDER BY plan_id;
