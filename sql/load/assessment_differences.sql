-- How many assessments (by the plan's method and by every method) and year statuses of plan $plan_id judged now (incoming_assessment,
-- incoming_year_status) differ from the stored ones, the as-of date apart. 0: judging as of the new
-- date says exactly what the stored statuses say.
WITH incoming AS (
    SELECT * EXCLUDE (as_of)
    FROM ((FROM core.target_assessment LIMIT 0) UNION ALL BY NAME (FROM incoming_assessment))
),
stored AS (
    SELECT * EXCLUDE (as_of) FROM core.target_assessment WHERE plan_id = $plan_id
),
incoming_years AS (
    FROM ((FROM core.target_year_status LIMIT 0) UNION ALL BY NAME (FROM incoming_year_status))
),
stored_years AS (
    FROM core.target_year_status WHERE plan_id = $plan_id
),
incoming_methods AS (
    SELECT * EXCLUDE (as_of)
    FROM ((FROM core.target_assessment_method LIMIT 0) UNION ALL BY NAME (FROM incoming_assessment_method))
),
stored_methods AS (
    SELECT * EXCLUDE (as_of) FROM core.target_assessment_method WHERE plan_id = $plan_id
)
SELECT
    (SELECT count(*) FROM (FROM incoming EXCEPT ALL FROM stored))
  + (SELECT count(*) FROM (FROM stored EXCEPT ALL FROM incoming))
  + (SELECT count(*) FROM (FROM incoming_years EXCEPT ALL FROM stored_years))
  + (SELECT count(*) FROM (FROM stored_years EXCEPT ALL FROM incoming_years))
  + (SELECT count(*) FROM (FROM incoming_methods EXCEPT ALL FROM stored_methods))
  + (SELECT count(*) FROM (FROM stored_methods EXCEPT ALL FROM incoming_methods)) AS differing;
