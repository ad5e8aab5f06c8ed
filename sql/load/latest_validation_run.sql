-- The latest run that recorded a validation in this warehouse (data-docs), and when it validated last.
SELECT run_id, max(validated_at) AS validated_at
FROM meta.validation_run
GROUP BY run_id
ORDER BY validated_at DESC
LIMIT 1;
