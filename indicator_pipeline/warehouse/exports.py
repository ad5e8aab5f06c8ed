"""Parquet and CSV files of every marts view, with `manifest.json`, written at publish from the file
being published (formats and manifest: docs/bi-access.md, "Exports"). Text comes from the sources and
the city's files, so CSV cells a spreadsheet could run as a formula are neutralised
(docs/untrusted-input.md).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path

import duckdb

from indicator_pipeline.warehouse.datapackage import field_type, write_package
from indicator_pipeline.warehouse.sql import sql_text

MANIFEST = "manifest.json"
CSV_SEPARATOR = ";"
CSV_ENCODING = "utf-8-sig"  # UTF-8 with a byte-order mark: Excel then reads å, ä, ö right

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # OWASP, CSV injection
SIGNED_NUMBER = re.compile(r"[+-]?\d[\d\u00a0 ]*(?:[.,]\d+)?")  # digits, grouped by (no-break) spaces, and decimals


def write_exports(warehouse_file: Path, folder: Path, run_id: str, published_name: str) -> None:
    """Write `<view>.parquet` and `<view>.csv` for every marts view of `warehouse_file` (opened
    read-only), the data package describing them (datapackage.py) and `manifest.json` into `folder`
    (created; must not exist); `published_name` is the name the warehouse file is published under."""
    folder.mkdir(parents=True)
    files = []
    with duckdb.connect(str(warehouse_file), read_only=True) as con:
        views = [row[0] for row in con.sql(sql_text("publish/mart_views.sql")).fetchall()]
        as_of = con.sql(sql_text("publish/as_of.sql")).fetchall()[0][0] if "goal_status" in views else None
        for view in views:
            relation = con.table(f"marts.{view}").order("ALL")  # a fixed order: the same marts, the same bytes
            parquet = folder / f"{view}.parquet"
            relation.write_parquet(str(parquet), compression="zstd")
            rows = relation.fetchall()
            csv = folder / f"{view}.csv"
            write_csv(csv, relation.columns, [str(t) for t in relation.types], rows)
            for path, kind in ((parquet, "parquet"), (csv, "csv")):
                files.append({"file": path.name, "view": f"marts.{view}", "format": kind, "rows": len(rows), **file_facts(path)})
        manifest = {
            "run_id": run_id,
            "as_of": as_of,
            "written_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "warehouse": {"file": published_name, **file_facts(warehouse_file)},
            "csv": {"separator": CSV_SEPARATOR, "decimal": ",", "encoding": "UTF-8 with BOM"},
            "files": files,
        }
        manifest["package"] = [{"file": path.name, **file_facts(path)} for path in write_package(con, folder, manifest)]
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    for path in folder.iterdir():
        fsync(path)
    fsync(folder)


def file_facts(path: Path) -> dict:
    with open(path, "rb") as handle:
        return {"bytes": path.stat().st_size, "sha256": hashlib.file_digest(handle, "sha256").hexdigest()}


def write_csv(path: Path, columns: list[str], types: list[str], rows: list[tuple]) -> None:
    cells = [_cell_writer(t) for t in types]
    with open(path, "w", encoding=CSV_ENCODING, newline="") as out:
        out.write(CSV_SEPARATOR.join(columns) + "\r\n")
        for row in rows:
            out.write(CSV_SEPARATOR.join("" if value is None else cell(value) for cell, value in zip(cells, row)) + "\r\n")


def _cell_writer(duckdb_type: str):
    """How a value of the column's Table Schema type is written (TIMESTAMP_NS and the like too as a datetime)."""
    kind = "datetime" if duckdb_type.startswith("TIMESTAMP") else field_type(duckdb_type)
    writers = {"integer": str, "number": swedish_number, "boolean": lambda value: "true" if value else "false",
               "date": date.isoformat, "datetime": datetime.isoformat}
    return writers.get(kind, lambda value: _quoted(neutralised(str(value))))


def neutralised(text: str) -> str:
    """`text` with a single quote in front if a spreadsheet could read it as a formula."""
    if text.startswith(FORMULA_STARTS) and not SIGNED_NUMBER.fullmatch(text):
        return "'" + text
    return text


def swedish_number(value: float | Decimal) -> str:
    """A number with a decimal comma, every digit, no exponent and no thousands separator."""
    if isinstance(value, float) and not math.isfinite(value):
        return _quoted(str(value))  # NaN / inf: no number Excel reads, so say it as text
    text = format(value if isinstance(value, Decimal) else Decimal(repr(value)), "f")
    return text.replace(".", ",")


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
