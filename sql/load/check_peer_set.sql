-- The run's peer set and Kolada's municipality list, for the quality checks' parameters (row ceilings
-- and allowed municipalities scale with what was asked for): one row per municipality or region with
-- its role in the run's set (NULL: known to Kolada, not asked for in this run).
SELECT m.municipality_code, s.role
FROM staging.kolada_municipality AS m
LEFT JOIN core.peer_set AS s USING (municipality_code)
UNION ALL BY NAME
SELECT s.municipality_code, s.role
FROM core.peer_set AS s
WHERE s.municipality_code NOT IN (SELECT municipality_code FROM staging.kolada_municipality)
