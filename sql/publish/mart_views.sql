-- The views exported at publish: every view in `marts`.
SELECT view_name
FROM duckdb_views()
WHERE database_name = current_database() AND schema_name = 'marts' AND NOT internal
ORDER BY view_name
