-- A new, empty serving file in a storage format older clients read (DuckDB 2 writes older formats on
-- request; `v1.1.0` is read by every DuckDB from 1.1 on). Set by INDICATOR_STORAGE_VERSION.
ATTACH $serving_file AS serving (STORAGE_VERSION $storage_version)
