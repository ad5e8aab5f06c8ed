"""Materialisation metadata: row count, column schema and a markdown preview of a warehouse table."""


import duckdb
from dagster import MetadataValue, TableColumn, TableSchema

from indicator_pipeline.warehouse.sql import query, query_per_plan

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


def peer_position_metadata(con: duckdb.DuckDBPyConnection) -> dict:
    """Each plan's rank and the peers' median per compared indicator, in its latest ranked year
    (sql/report/peers.sql, as the scorecard shows it): one entry per plan and indicator and a table of all."""
    plan_ids = query(con, "report/plans.sql")["plan_id"].unique(maintain_order=True).to_list()
    table = []
    for plan_id, rows in query_per_plan(con, "report/peers.sql", plan_ids).items():
        table += [
            (plan_id, r["indicator_id"], r["year"], r["value"], f"{r['rank']} of {r['peer_count']}", r["peer_median"], r["riket_value"])
            for r in rows.unique("indicator_id", keep="first", maintain_order=True).sort("indicator_id").iter_rows(named=True)
        ]
    return {
        "peer_position": MetadataValue.md(markdown_table(["plan", "indicator", "year", "value", "rank", "peer median", "Riket"], table)),
        **{
            f"peer_rank/{plan_id}/{indicator}": f"{rank} in {year} (value {value}, peer median {median})"
            for plan_id, indicator, year, value, rank, median, _ in table
        },
    }
