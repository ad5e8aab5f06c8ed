"""Turn the bytes of a dropped CSV or XLSX file into a header and numbered rows of raw cells.

Nothing here knows the formats; it only decides how to read the file and numbers rows the way a
person sees them (header = row 1, blank lines counted but not returned).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from indicator_pipeline.filedrop.errors import FileRejected

Cell = str | int | float | bool | date | datetime | None
SEPARATOR = ";"


@dataclass(frozen=True)
class Table:
    header: list[str]  # "" where a header cell is empty
    rows: list[tuple[int, list[Cell]]]  # (row number as shown in Excel, cells)


def read_table(path: Path, body: bytes) -> Table:
    """Read `body` as the file `path` names it (.csv or .xlsx); refuse it if it has no data."""
    lines = _xlsx_rows(path, body) if path.suffix.lower() == ".xlsx" else _csv_rows(path, body)
    numbered = [(number, cells) for number, cells in enumerate(lines, start=1) if not _blank(cells)]
    if not numbered:
        raise FileRejected(path, "the file is empty")
    (header_row, header), *rows = numbered
    if header_row != 1:
        raise FileRejected(path, "row 1 is empty, but the header must be in row 1")
    if not rows:
        raise FileRejected(path, "the file has a header row but no data rows")
    return Table(["" if cell is None else str(cell) for cell in header], rows)


def is_empty(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _blank(cells: list[Cell]) -> bool:
    return all(is_empty(cell) for cell in cells)


def _decode(path: Path, body: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 — what Swedish Excel saves as CSV.

    cp1252 decodes almost any bytes, so it is only tried when the bytes are not valid UTF-8, and
    NUL bytes (UTF-16, "Unicode text" in Excel, or a binary file) are refused before either.
    """
    if b"\x00" in body:
        raise FileRejected(
            path, "the file contains NUL bytes (UTF-16 'Unicode text' or not text at all); save it as CSV in UTF-8"
        )
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return body.decode("cp1252")
    except UnicodeDecodeError as exc:
        where = f"byte 0x{body[exc.start]:02x} at offset {exc.start}"
        raise FileRejected(path, f"the file is neither UTF-8 nor Windows-1252 text ({where})") from exc


def _csv_rows(path: Path, body: bytes) -> list[list[Cell]]:
    text = io.StringIO(_decode(path, body), newline="")
    rows: list[list[Cell]] = list(csv.reader(text, delimiter=SEPARATOR))
    header = next((row for row in rows if not _blank(row)), None)
    if header is not None and len(header) == 1:
        detail = f"columns must be separated by {SEPARATOR!r} (as Swedish Excel saves CSV); the header is {header[0]!r}"
        raise FileRejected(path, detail)
    return rows


def _xlsx_rows(path: Path, body: bytes) -> list[list[Cell]]:
    """The first sheet's rows; cells come as Excel typed them (numbers, text, dates)."""
    import openpyxl  # only when a workbook is read: a no-op refresh never pays its import

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(body), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError, XML and value errors on bad files
        raise FileRejected(path, f"the file is not a readable .xlsx workbook ({type(exc).__name__}: {exc})") from exc
    try:
        return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    finally:
        workbook.close()
