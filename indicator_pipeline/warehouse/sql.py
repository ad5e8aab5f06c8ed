"""Run the SQL that lives in the repository's top-level `sql/` folder.

Python only registers frames and names files; every statement is in `sql/`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

if TYPE_CHECKING:  # only in annotations: reading SQL files and running scripts needs no polars
    import polars as pl

SQL_DIR = Path(__file__).resolve().parents[2] / "sql"
DDL_FOLDERS = ("ddl", "marts")


def sql_text(name: str) -> str:
    """The text of `sql/<name>` (e.g. `load/add_vintages.sql`)."""
    return (SQL_DIR / name).read_text(encoding="utf-8")


def apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every schema, table and view (idempotent: `IF NOT EXISTS` / `OR REPLACE`), then comment
    them from the column dictionary (sql/dictionary.toml; a replaced view loses its comments)."""
    from indicator_pipeline.warehouse.dictionary import apply_comments  # it reads sql/ through this module
    from indicator_pipeline.warehouse.formulas import FORMULA_VIEW, apply_formula_view  # likewise

    for folder in DDL_FOLDERS:
        for path in sorted((SQL_DIR / folder).glob("*.sql")):
            if path.relative_to(SQL_DIR).as_posix() == FORMULA_VIEW:
                apply_formula_view(con)  # rendered from the formulas of the catalogue the warehouse holds
            else:
                con.execute(path.read_text(encoding="utf-8"))
    apply_comments(con)


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
    """Run the SELECT in `sql/<name>` and return a polars frame."""
    return con.sql(sql_text(name), params=params or {}).pl()
