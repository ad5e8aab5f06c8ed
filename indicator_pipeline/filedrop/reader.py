"""Read one dropped file, check it against its kind's format and return it as a typed frame. All or
nothing: the first problem raises FileRejected naming the file, row, column and value.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import polars as pl

from indicator_pipeline.catalog.filedrop_formats import FORMATS, KINDS, SUFFIXES, Column, Format, kind_of
from indicator_pipeline.filedrop.errors import FileRejected
from indicator_pipeline.filedrop.landing import read_regular
from indicator_pipeline.filedrop.swedish import is_missing, parse_ja_nej, parse_swedish_date, parse_swedish_number
from indicator_pipeline.filedrop.table import Cell, Table, column_letter, is_empty, read_table

# The frame type of each of the formats' column types (catalog/filedrop_formats.py COLUMN_TYPES).
DTYPES: dict[str, pl.DataType] = {"int": pl.Int64(), "decimal": pl.Float64(), "text": pl.Utf8(), "boolean": pl.Boolean(), "date": pl.Date()}


@dataclass(frozen=True, eq=False)  # eq=False: a DataFrame has no truth value to compare by
class DropFile:
    kind: str
    path: Path
    sha256: str
    frame: pl.DataFrame  # one typed column per format column, then source_file and raw_sha256


def read_drop(path: Path) -> DropFile:
    """Parse and check the file `path` as the format its name announces; raises FileRejected (also for
    a file beyond its kind's limits), NotARegularFile for anything but a regular file."""
    path = Path(path)
    kind = kind_of(path)
    if kind is None:
        expected = f"start with one of {', '.join(KINDS)} and end in {' or '.join(SUFFIXES)}"
        raise FileRejected(path, f"the file name must {expected}")
    fmt = FORMATS[kind]
    body = read_regular(path, fmt.limits.max_bytes)
    table = read_table(path, body, fmt.limits)
    positions = _column_positions(path, fmt, table)
    records = [(number, _record(path, fmt, positions, number, cells)) for number, cells in table.rows]
    _check_unique(path, fmt, records)
    sha256 = hashlib.sha256(body).hexdigest()
    frame = pl.DataFrame(
        {c.name: [record[c.name] for _, record in records] for c in fmt.columns},
        schema={c.name: DTYPES[c.type] for c in fmt.columns},
    ).with_columns(source_file=pl.lit(path.name, pl.Utf8), raw_sha256=pl.lit(sha256, pl.Utf8))
    return DropFile(kind, path, sha256, frame)


def _column_positions(path: Path, fmt: Format, table: Table) -> dict[str, int]:
    """Map each format column present in the header to its index; refuse any other header, and any value
    under an empty header cell (or past the last one), which would be silently lost."""
    positions: dict[str, int] = {}
    unknown = []
    for index, raw in enumerate(table.header):
        name = "_".join(raw.split()).lower()  # " Key figure ID " is key_figure_id
        if not name:
            continue
        if name in positions:
            raise FileRejected(path, f"column {name} appears twice", row=1, column=column_letter(index + 1))
        if fmt.column(name) is None:
            unknown.append(raw.strip())
        positions[name] = index
    missing = [c.name for c in fmt.columns if c.required and c.name not in positions]
    if missing or unknown:
        problems = [f"missing required columns: {', '.join(missing)}"] if missing else []
        problems += [f"unknown columns: {', '.join(map(repr, unknown))}"] if unknown else []
        expected = ", ".join(c.name for c in fmt.columns)
        raise FileRejected(path, f"{'; '.join(problems)} (a {fmt.kind} file has the columns {expected})", row=1)
    named = set(positions.values())
    for number, cells in table.rows:
        for index, cell in enumerate(cells):
            if index not in named and not is_empty(cell):
                detail = f"{_show(cell)} stands in a column without a header"
                raise FileRejected(path, detail, row=number, column=column_letter(index + 1))
    return positions


def _record(path: Path, fmt: Format, positions: dict[str, int], number: int, cells: list[Cell]) -> dict[str, object]:
    record = {}
    for column in fmt.columns:
        index = positions.get(column.name)
        cell = cells[index] if index is not None and index < len(cells) else None
        try:
            record[column.name] = _convert(column, cell)
        except ValueError as exc:
            raise FileRejected(path, str(exc), row=number, column=column.name) from exc
    return record


def _check_unique(path: Path, fmt: Format, records: list[tuple[int, dict[str, object]]]) -> None:
    first_row: dict[tuple, int] = {}
    for number, record in records:
        key = tuple(record[name] for name in fmt.key)
        if key in first_row:
            shown = ", ".join(f"{name}={record[name]!r}" for name in fmt.key)
            raise FileRejected(path, f"duplicate key {shown} (also in row {first_row[key]})", row=number)
        first_row[key] = number


def _convert(column: Column, cell: Cell) -> object:
    """One cell as its column's Python value; ValueError (quoting the cell) if it does not fit."""
    if cell is None or (isinstance(cell, str) and is_missing(cell)):
        if column.required:
            raise ValueError("a value is required" + (f", got {cell!r}" if cell and cell.strip() else ""))
        return column.default
    if column.type in ("int", "decimal"):
        if isinstance(cell, str):
            number = parse_swedish_number(cell)
        elif isinstance(cell, (int, float)) and not isinstance(cell, bool):
            number = Decimal(str(cell))  # str(): 0.1 stays 0.1, not its binary expansion
        else:
            raise ValueError(f"{_show(cell)} is not a number")
        if column.type == "int" and number != number.to_integral_value():
            raise ValueError(f"{_show(cell)} is not a whole number")
        value = int(number) if column.type == "int" else float(number)
        low, high = column.min, column.max
        if (low is not None and value < low) or (high is not None and value > high):
            limits = [f"at least {low}"] if low is not None else []
            limits += [f"at most {high}"] if high is not None else []
            raise ValueError(f"{_show(cell)} is out of range: it must be {' and '.join(limits)}")
        return value
    if column.type == "text":
        text = str(int(cell)) if isinstance(cell, float) and cell.is_integer() else str(cell).strip()
        if not column.allowed:
            return text
        canonical = next((a for a in column.allowed if a.casefold() == text.casefold()), None)
        if canonical is None:
            raise ValueError(f"{_show(cell)} is not one of {', '.join(column.allowed)}")
        return canonical
    if column.type == "boolean":
        if isinstance(cell, bool):
            return cell
        if isinstance(cell, str):
            return parse_ja_nej(cell)
        raise ValueError(f"{_show(cell)} is not ja or nej")
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    if isinstance(cell, str):
        return parse_swedish_date(cell)
    raise ValueError(f"{_show(cell)} is not a date")


def _show(cell: Cell) -> str:
    """Text quoted as typed, other cells (Excel numbers, dates) as Excel shows them."""
    return repr(cell) if isinstance(cell, str) else str(cell)
