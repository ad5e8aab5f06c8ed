-- Every column of the tables and views in the documented schemas ($schemas), in each one's order.
SELECT schema_name, table_name, column_name
FROM duckdb_columns()
WHERE database_name = current_database() AND schema_name IN $schemas
ORDER BY schema_name, table_name, column_index
