-- The views exported at publish: every view in `marts`, with its description (the DuckDB comment).
SELECT view_name, comment
FROM duckdb_views()
WHERE database_name = current_database() AND schema_name = 'marts' AND NOT internal
ORDER BY view_name
