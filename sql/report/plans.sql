-- The scorecard's index: every plan in the warehouse (core.dim_plan), the date its statuses were judged
-- as of, and how many of its targets have each status in marts.goal_status; a plan without targets has
-- one row, status NULL and 0 targets.
SELECT p.plan_id, p.title, p.organisation, p.municipality_name, a.as_of, s.status, count(s.target_id) AS targets
FROM core.dim_plan AS p
LEFT JOIN (SELECT plan_id, max(as_of) AS as_of FROM marts.goal_status GROUP BY plan_id) AS a USING (plan_id)
LEFT JOIN marts.goal_status AS s USING (plan_id)
GROUP BY ALL
ORDER BY p.plan_id, s.status;
