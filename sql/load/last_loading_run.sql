-- The run that loaded the newest data (sources or statuses) in this warehouse.
SELECT run_id FROM (
    SELECT run_id, loaded_at AS happened_at FROM meta.source_load
    UNION ALL BY NAME
    SELECT run_id, assessed_at AS happened_at FROM core.target_assessment_history
)
ORDER BY happened_at DESC
LIMIT 1;
