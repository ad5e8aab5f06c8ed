-- The run's peer sets (those of the plans in $plan_ids) and Kolada's municipality list, for the quality
-- checks' parameters (row ceilings and allowed municipalities scale with what was asked for): one row per
-- municipality or region with its role in a run's set (NULL: known to Kolada, not asked for in this run).
WITH run_peer_set AS (SELECT * FROM core.peer_set WHERE list_contains($plan_ids, plan_id))
SELECT m.municipality_code, s.role
FROM staging.kolada_municipality AS m
LEFT JOIN run_peer_set AS s USING (municipality_code)
UNION ALL BY NAME
SELECT s.municipality_code, s.role
FROM run_peer_set AS s
WHERE s.municipality_code NOT IN (SELECT municipality_code FROM staging.kolada_municipality)
