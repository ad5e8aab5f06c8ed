-- The as-of dates the stored assessments of plan $plan_id were judged as of (one, after a refresh).
SELECT DISTINCT as_of FROM core.target_assessment WHERE plan_id = $plan_id;
