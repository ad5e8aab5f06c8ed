"""The DuckDB warehouse: apply `sql/`, load frames, publish a finished file for BI readers."""
