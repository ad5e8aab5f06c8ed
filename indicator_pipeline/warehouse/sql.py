"""List and run the SQL files of the repository's top-level `sql/` folder: Python only registers
frames and names files (the objects, `sql/<folder>/<schema>/<name>.sql`, are created by models.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

if TYPE_CHECKING:  # only in annotations: reading SQL files and running scripts needs no polars
    import polars as pl

SQL_DIR = Path(__file__).resolve().parents[2] / "sql"
OBJECT_FOLDERS = ("tables", "macros", "models")  # what each holds: models.py's docstring


def sql_text(name: str) -> str:
    return (SQL_DIR / name).read_text(encoding="utf-8")


def object_files(folder: str) -> dict[str, Path]:
    """`schema.name` -> file, for every `sql/<folder>/<schema>/<name>.sql`, sorted by name."""
    return {f"{p.parent.name}.{p.stem}": p for p in sorted((SQL_DIR / folder).glob("*/*.sql"))}


def sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def create_view(con: duckdb.DuckDBPyConnection, key: str, select: str) -> None:
    """(Re)create the view `key` (`schema.name`) as `select` (a model file's text)."""
    con.execute(f"CREATE OR REPLACE VIEW {key} AS\n{select.rstrip().removesuffix(';')}")


def run_script(con: duckdb.DuckDBPyConnection, name: str, frames: dict[str, pl.DataFrame] | None = None) -> None:
    """Run `sql/<name>` in one transaction, with `frames` visible to it under their keys."""
    frames = frames or {}
    for view_name, frame in frames.items():
        con.register(view_name, frame.to_arrow())
    try:
        con.execute("BEGIN TRANSACTION")
        con.execute(sql_text(name))
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        for view_name in frames:
            con.unregister(view_name)


def query(con: duckdb.DuckDBPyConnection, name: str, params: dict | None = None) -> pl.DataFrame:
    return con.sql(sql_text(name), params=params or {}).pl()


def query_per_plan(con: duckdb.DuckDBPyConnection, name: str, plan_ids: list[str]) -> dict[str, pl.DataFrame]:
    """`sql/<name>` run once for all the plans `plan_ids` (its `$plan_ids`; its rows carry `plan_id`), its rows
    split per plan in `plan_ids`' order, each part in the query's order; a plan without rows gets an empty
    frame of the same columns."""
    if not plan_ids:  # an empty list has no element type to compare plan ids with
        return {}
    frame = query(con, name, {"plan_ids": plan_ids})
    parts = {key[0]: part for key, part in frame.partition_by("plan_id", as_dict=True, maintain_order=True).items()}
    return {plan_id: parts.get(plan_id, frame.clear()) for plan_id in plan_ids}
