"""The bytes of a dropped CSV or XLSX file as a header and numbered rows of raw cells, knowing nothing
of the formats. Rows are numbered as a person sees them: header = row 1, blank rows counted, not returned.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from indicator_pipeline.catalog.filedrop_formats import Limits
from indicator_pipeline.filedrop.errors import FileRejected

Cell = str | int | float | bool | date | datetime | None
SEPARATOR = ";"
# Characters in one CSV cell: the csv module's default limit, checked here because the module's limit is
# process-wide and a library may raise it (frictionless sets it to 2 GB when it reads a CSV).
CSV_FIELD_LIMIT = 128 * 1024


@dataclass(frozen=True)
class Table:
    header: list[str]  # "" where a header cell is empty
    rows: list[tuple[int, list[Cell]]]  # (row number as shown in Excel, cells)


def read_table(path: Path, body: bytes, limits: Limits) -> Table:
    """Read `body` as the file `path` names it (.csv or .xlsx); refuse it if it has no data. Rows are read
    one at a time and refused at the first beyond the limits, so a huge file costs no more than them."""
    lines = _xlsx_lines(path, body, limits) if path.suffix.lower() == ".xlsx" else _csv_lines(path, body)
    header: list[Cell] | None = None
    rows: list[tuple[int, list[Cell]]] = []
    for number, cells in enumerate(lines, start=1):
        cells = _trimmed(path, number, cells, limits.max_columns)
        if not cells:
            continue
        if header is None:
            if number != 1:
                raise FileRejected(path, "row 1 is empty, but the header must be in row 1")
            header = cells
        elif len(rows) == limits.max_rows:
            raise FileRejected(path, f"the file has more than {limits.max_rows} data rows (max_rows)", row=number)
        else:
            rows.append((number, cells))
    if header is None:
        raise FileRejected(path, "the file is empty")
    if not rows:
        raise FileRejected(path, "the file has a header row but no data rows")
    return Table(["" if cell is None else str(cell) for cell in header], rows)


def column_letter(number: int) -> str:
    """Excel's letter for the 1-based column `number` (openpyxl, imported only when a file is rejected)."""
    from openpyxl.utils import get_column_letter

    return get_column_letter(number)


def is_empty(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _trimmed(path: Path, number: int, cells: list[Cell], max_columns: int) -> list[Cell]:
    """The row without its trailing empty cells; refused if a value stands beyond `max_columns`."""
    width = len(cells)
    while width and is_empty(cells[width - 1]):
        width -= 1
    if width > max_columns:
        column = column_letter(width)
        detail = f"{cells[width - 1]!r} stands in column {column}, beyond the {max_columns} columns a file may have (max_columns)"
        raise FileRejected(path, detail, row=number, column=column)
    return cells[:width]


def _decode(path: Path, body: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252: what Swedish Excel saves as CSV. cp1252 decodes
    almost any bytes, so it comes second, and NUL bytes (UTF-16, "Unicode text" in Excel, or a binary
    file) are refused before either."""
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


def _csv_lines(path: Path, body: bytes) -> Iterator[list[Cell]]:
    reader = csv.reader(io.StringIO(_decode(path, body), newline=""), delimiter=SEPARATOR)
    seen_header = False
    try:
        for row in reader:
            if max(map(len, row), default=0) > CSV_FIELD_LIMIT:  # as the csv module's default limit says it
                raise csv.Error(f"field larger than field limit ({CSV_FIELD_LIMIT})")
            if not seen_header and any(not is_empty(cell) for cell in row):
                seen_header = True
                if len(row) == 1:
                    detail = f"columns must be separated by {SEPARATOR!r} (as Swedish Excel saves CSV); the header is {row[0][:200]!r}"
                    raise FileRejected(path, detail)
            yield row
    except csv.Error as exc:  # e.g. a cell longer than CSV_FIELD_LIMIT
        raise FileRejected(path, f"the file is not readable as CSV ({exc})", row=reader.line_num) from exc


def _xlsx_lines(path: Path, body: bytes, limits: Limits) -> Iterator[list[Cell]]:
    """The first sheet's rows, streamed, cells as Excel typed them; the zip is checked before anything is
    inflated, and the sheet's own claim of its size (`<dimension>`) is not trusted."""
    check_zip(path, body, limits)
    import openpyxl  # only when a workbook is read: a no-op refresh never pays its import

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(body), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError, XML and value errors on bad files
        raise _unreadable(path, exc) from exc
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()
        for row in sheet.iter_rows(values_only=True):
            yield list(row)
    except Exception as exc:  # the same, met while streaming the sheet (e.g. an XML entity bomb)
        raise _unreadable(path, exc) from exc
    finally:
        workbook.close()


def _unreadable(path: Path, exc: Exception) -> FileRejected:
    return FileRejected(path, f"the file is not a readable .xlsx workbook ({type(exc).__name__}: {exc})")


RATIO_FLOOR = 1024 * 1024  # parts inflating to less than this are not judged by their ratio


def check_zip(path: Path, body: bytes, limits: Limits) -> None:
    """Refuse an .xlsx whose zip directory declares more inflated bytes than `limits` allow, or a part
    compressed suspiciously well; zipfile never inflates a part beyond its declared size."""
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise _unreadable(path, exc) from exc
    inflated = sum(part.file_size for part in parts)
    if inflated > limits.max_inflated_bytes:
        detail = f"its parts inflate to {inflated} bytes, more than the {limits.max_inflated_bytes} allowed (max_inflated_bytes)"
        raise FileRejected(path, detail)
    for part in parts:
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > RATIO_FLOOR and ratio > limits.max_compression_ratio:
            detail = (
                f"part {part.filename!r} inflates {ratio:.0f} times ({part.compress_size} to {part.file_size} bytes), "
                f"more than the {limits.max_compression_ratio:g} allowed (max_compression_ratio): a zip bomb, not a workbook"
            )
            raise FileRejected(path, detail)
