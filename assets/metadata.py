"""Materialisation metadata: row count, column schema and a markdown preview of a warehouse table."""


import duckdb
from dagster import MetadataValue, TableColumn, TableSchema

PREVIEW_ROWS = 10


def table_metadata(con: duckdb.DuckDBPyConnection, table: str) -> dict:
    relation = con.table(table)
    schema = TableSchema(columns=[TableColumn(name, str(dtype)) for name, dtype in zip(relation.columns, relation.types)])
    preview = relation.limit(PREVIEW_ROWS).pl()
    return {
        "dagster/row_count": relation.shape[0],
        "dagster/column_schema": schema,
        "dagster/table_name": table,
        "preview": MetadataValue.md(markdown_table(preview.columns, preview.rows())),
    }


def markdown_table(columns: list[str], rows: list[tuple]) -> str:
    def cell(value) -> str:
        text = "" if value is None else str(value)
        return text.replace("|", "\\|").replace("\n", " ")[:80]

    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def payload_metadata(refs) -> dict:
    return {
        "payloads": len(refs),
        "bytes": sum(r.size_bytes for r in refs),
        "sha256": MetadataValue.md("\n".join(f"- `{r.sha256[:16]}` {r.location}" for r in refs)),
        "retrieved_at": max((r.retrieved_at for r in refs), default=""),
    }
