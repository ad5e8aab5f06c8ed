-- The latest validation of suite $suite in this warehouse: its run, verdict and statistics.
SELECT run_id, success, statistics, error, validated_at
FROM meta.validation_run
WHERE suite = $suite
ORDER BY validated_at DESC
LIMIT 1;
