-- Every table, view and macro in the documented schemas ($schemas), as (kind, schema, name): what
-- indicator_pipeline/warehouse/dictionary.py comments and checks ({kind} of comment_on.sql).
SELECT 'TABLE', schema_name, table_name
FROM duckdb_tables()
WHERE database_name = current_database() AND schema_name IN $schemas
UNION ALL
SELECT 'VIEW', schema_name, view_name
FROM duckdb_views()
WHERE database_name = current_database() AND schema_name IN $schemas
UNION ALL
SELECT DISTINCT CASE function_type WHEN 'table_macro' THEN 'MACRO TABLE' ELSE 'MACRO' END, schema_name, function_name
FROM duckdb_functions()
WHERE database_name = current_database() AND schema_name IN $schemas AND function_type IN ('macro', 'table_macro')
ORDER BY 2, 3
