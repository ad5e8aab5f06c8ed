"""Hostile and accidental file drops, generated at test time (never committed): files beyond the
limits, zip bombs, an XML entity bomb, a zip whose directory lies, and entries that are not files.

An `.xlsx` here is a real workbook saved by openpyxl with its sheet part replaced by XML written
piece by piece, so that a sheet of any size or shape costs only the time to compress it.
"""

from __future__ import annotations

import io
import os
import struct
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter

SHEET = "xl/worksheets/sheet1.xml"
# As Excel writes a sheet: its <dimension> first. (openpyxl reads a sheet without one in full once to
# look for it before streaming its rows; that costs time within max_inflated_bytes, and no memory.)
SHEET_START = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:C1"/><sheetData>'
)
SHEET_END = b"</sheetData></worksheet>"
LAND_HEADER = ["year", "area", "hectares"]


def _cell(column: int, row: int, value: object) -> str:
    ref = f"{get_column_letter(column)}{row}"
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


def sheet_rows(rows: Iterable[list]) -> Iterator[bytes]:
    """`<row>` elements for `rows` (row 1 first), with inline strings."""
    for number, cells in enumerate(rows, start=1):
        yield (f'<row r="{number}">' + "".join(_cell(c, number, v) for c, v in enumerate(cells, start=1)) + "</row>").encode()


def land_rows(count: int) -> Iterator[list]:
    """A sellable_land header and `count` valid data rows, each with its own area."""
    yield LAND_HEADER
    for n in range(count):
        yield [2024, f"Område {n}", 1.5]


def write_xlsx(path: Path, sheet: Iterable[bytes], *, compresslevel: int = 6) -> Path:
    """A workbook whose first sheet's XML is `sheet` (the pieces are written in order)."""
    skeleton = io.BytesIO()
    openpyxl.Workbook().save(skeleton)
    with zipfile.ZipFile(skeleton) as template, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as out:
        for info in template.infolist():
            if info.filename != SHEET:
                out.writestr(info.filename, template.read(info))
        with out.open(SHEET, "w", force_zip64=True) as part:
            for piece in sheet:
                part.write(piece)
    return path


def rows_xlsx(path: Path, rows: Iterable[list], tail: bytes = SHEET_END) -> Path:
    return write_xlsx(path, [SHEET_START, *sheet_rows(rows), tail])


def zip_bomb(path: Path, inflated_bytes: int) -> Path:
    """A sellable_land workbook whose sheet is a valid header row followed by `inflated_bytes` of
    blanks (XML whitespace): a few hundred KB on disk, compressed about a thousand times."""
    chunk = b" " * (1024 * 1024)

    def pieces() -> Iterator[bytes]:
        yield SHEET_START
        yield from sheet_rows([LAND_HEADER])
        for _ in range(inflated_bytes // len(chunk)):
            yield chunk
        yield SHEET_END

    return write_xlsx(path, pieces(), compresslevel=9)


def billion_laughs(path: Path) -> Path:
    """A workbook whose sheet defines ten nested entities, each ten of the one before: `&lol9;` would
    expand to a thousand million "lol"s (3 GB) if the XML parser allowed it."""
    entities = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)]
    doctype = f"<!DOCTYPE worksheet [{''.join(entities)}]>".encode()
    head = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + doctype
    body = SHEET_START.split(b"\n", 1)[1]
    row = b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
    return write_xlsx(path, [head, body, row, SHEET_END])


def lying_zip(path: Path, declared_size: int = 1000) -> Path:
    """A workbook of many real rows whose zip directory declares its sheet `declared_size` bytes long
    (in the local header and in the central directory): it looks small and harmless to a check."""
    rows_xlsx(path, land_rows(20_000))
    data = bytearray(path.read_bytes())
    name = SHEET.encode()
    local = data.find(b"PK\x03\x04")
    while local != -1:  # patch every header that names the sheet
        if data[local + 30: local + 30 + len(name)] == name:
            _patch_sizes(data, local, central=False, size=declared_size)
        local = data.find(b"PK\x03\x04", local + 4)
    central = data.find(b"PK\x01\x02")
    while central != -1:
        if data[central + 46: central + 46 + len(name)] == name:
            _patch_sizes(data, central, central=True, size=declared_size)
        central = data.find(b"PK\x01\x02", central + 4)
    path.write_bytes(bytes(data))
    return path


def _patch_sizes(data: bytearray, offset: int, *, central: bool, size: int) -> None:
    """Set the uncompressed size of the entry at `offset`, in its zip64 extra field when it has one."""
    size_at = offset + (24 if central else 22)
    name_len, extra_len = struct.unpack_from("<HH", data, offset + (28 if central else 26))
    if struct.unpack_from("<I", data, size_at)[0] == 0xFFFFFFFF:  # the real size is in the zip64 extra
        extra = offset + (46 if central else 30) + name_len
        end = extra + extra_len
        while extra < end:
            tag, length = struct.unpack_from("<HH", data, extra)
            if tag == 0x0001:
                struct.pack_into("<Q", data, extra + 4, size)
                return
            extra += 4 + length
        raise AssertionError("zip64 entry without its extra field")
    struct.pack_into("<I", data, size_at, size)


def csv_of_bytes(path: Path, size: int) -> Path:
    """A sellable_land CSV of valid rows, a little over `size` bytes."""
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write(";".join(LAND_HEADER) + "\n")
        written, n = 0, 0
        while written <= size:
            written += out.write(f"2024;Område {n};1,5\n")
            n += 1
    return path


def csv_rows(path: Path, count: int) -> Path:
    """A sellable_land CSV with `count` valid data rows."""
    lines = (";".join(map(str, row)) for row in land_rows(count))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path
