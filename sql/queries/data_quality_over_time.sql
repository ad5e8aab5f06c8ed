-- Data quality over time: per published run and validated dataset, how many expectations were
-- checked and how many failed, with the failed ones named (meta.validation_result).
SELECT
    run_id,
    min(validated_at) AS validated_at,
    dataset,
    count(*) AS expectations,
    count(*) FILTER (WHERE NOT success) AS failed,
    string_agg(expectation_type || coalesce(' on ' || column_name, ''), '; ') FILTER (WHERE NOT success) AS failed_expectations
FROM meta.validation_result
GROUP BY run_id, dataset
ORDER BY validated_at, dataset;
