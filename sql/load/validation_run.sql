-- Every validation of run $run_id, with GX's result JSON (the input of data-docs).
SELECT suite, gx_result, error, validated_at FROM meta.validation_run WHERE run_id = $run_id ORDER BY suite;
