-- What run $run_id loaded anew: the sources it loaded, and target_assessment when it stored statuses.
SELECT source_key AS changed FROM meta.source_load WHERE run_id = $run_id
UNION ALL BY NAME
SELECT DISTINCT 'target_assessment' AS changed FROM core.target_assessment_history WHERE run_id = $run_id
ORDER BY changed;
