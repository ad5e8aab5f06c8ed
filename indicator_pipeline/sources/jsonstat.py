"""Decoding of json-stat2 datasets (what SCB's PxWeb API answers) into tidy polars frames.

A json-stat2 dataset keeps its numbers in one flat `value` array, row-major over the dimensions in
`id` (the last dimension varies fastest), with `size[k]` categories in dimension `id[k]`, ordered by
`category.index`. A cell the statistics office cannot publish is `null` in `value` with a symbol in
`status` (`..` not yet available, `.` not applicable, `:` confidential); it must stay null, never 0.
A dimension eliminated from the query (e.g. `Kon` summed to its total) is simply absent from `id`.
"""

from __future__ import annotations

import math
from typing import Any

import polars as pl

from indicator_pipeline.errors import SourceError

RESERVED_COLUMNS = ("value", "status")


def decode_jsonstat2(doc: dict, *, source: str = "scb", url: str | None = None) -> pl.DataFrame:
    """One row per cell: a Utf8 column of category codes per dimension, then `value` and `status`."""
    ids, sizes = _shape(doc, source, url)
    values = doc["value"]
    if not isinstance(values, list) or len(values) != math.prod(sizes):
        count = len(values) if isinstance(values, list) else type(values).__name__
        raise SourceError(
            source, f"json-stat2 field 'size' {sizes} makes {math.prod(sizes)} cells but 'value' has {count}", url
        )
    columns: dict[str, pl.Series] = {}
    for k, (dim, size) in enumerate(zip(ids, sizes)):
        codes = _ordered_codes(doc["dimension"][dim].get("category", {}))
        if len(codes) != size:
            said = f"has {len(codes)} categories but 'size' says {size}"
            raise SourceError(source, f"json-stat2 dimension {dim!r} {said}", url)
        inner, outer = math.prod(sizes[k + 1 :]), math.prod(sizes[:k])
        columns[dim] = pl.Series(dim, [code for code in codes for _ in range(inner)] * outer, dtype=pl.Utf8)
    try:
        columns["value"] = pl.Series("value", values, dtype=pl.Float64, strict=True)
    except (TypeError, pl.exceptions.PolarsError) as exc:
        raise SourceError(source, f"json-stat2 field 'value' holds a non-number ({exc})", url) from exc
    columns["status"] = pl.Series("status", _status_symbols(doc.get("status"), len(values), source, url), dtype=pl.Utf8)
    return pl.DataFrame(columns)


def dimension_labels(doc: dict) -> dict[str, dict[str, str]]:
    """Category code -> label, per dimension (a category without a label is labelled by its code)."""
    labels = {}
    for dim, spec in doc.get("dimension", {}).items():
        category = spec.get("category", {})
        names = category.get("label", {})
        labels[dim] = {code: names.get(code, code) for code in _ordered_codes(category)}
    return labels


def dataset_info(doc: dict) -> dict[str, Any]:
    """Provenance and units of a dataset: label, source, `updated` (ISO 8601, when the source last
    changed the table), `table_id` (extension.px.tableid), notes, and the unit of each content code."""
    metric_dims = doc.get("role", {}).get("metric") or ["ContentsCode"]
    units: dict[str, dict[str, Any]] = {}
    for dim in metric_dims:
        units.update(doc.get("dimension", {}).get(dim, {}).get("category", {}).get("unit", {}))
    return {
        **{key: doc.get(key) for key in ("label", "source", "updated")},
        "table_id": doc.get("extension", {}).get("px", {}).get("tableid"),
        "notes": list(doc.get("note", [])),
        "units": units,
    }


def _shape(doc: dict, source: str, url: str | None) -> tuple[list[str], list[int]]:
    for field in ("id", "size", "dimension", "value"):
        if field not in doc:
            raise SourceError(source, f"json-stat2 document has no {field!r} field (keys: {sorted(doc)})", url)
    ids, sizes = doc["id"], doc["size"]
    if not isinstance(ids, list) or not isinstance(sizes, list) or len(ids) != len(sizes):
        raise SourceError(source, f"json-stat2 fields 'id' {ids} and 'size' {sizes} do not pair up", url)
    if len(set(ids)) != len(ids):
        raise SourceError(source, f"json-stat2 field 'id' {ids} repeats a dimension", url)
    for dim in ids:
        if dim not in doc["dimension"]:
            raise SourceError(source, f"json-stat2 'id' names dimension {dim!r} missing from 'dimension'", url)
        if dim in RESERVED_COLUMNS:
            raise SourceError(source, f"json-stat2 dimension {dim!r} clashes with the {dim!r} column", url)
    if not all(isinstance(n, int) and n >= 0 for n in sizes):
        raise SourceError(source, f"json-stat2 field 'size' {sizes} is not a list of counts", url)
    return ids, sizes


def _ordered_codes(category: dict) -> list[str]:
    """Codes in `category.index` order; json-stat allows a list, a code->position dict, or (for a
    single category) no index at all, in which case the label map names the code."""
    index = category.get("index")
    if index is None:
        return list(category.get("label", {}))
    if isinstance(index, dict):
        return sorted(index, key=index.__getitem__)
    return list(index)


def _status_symbols(status: Any, n: int, source: str, url: str | None) -> list[str | None]:
    """One symbol (or None) per cell. `status` may be absent, a single symbol for every cell, a list
    (one per cell, or one for all), or a dict from cell index (as a string) to symbol."""
    if status is None or isinstance(status, str):
        return [status] * n
    if isinstance(status, list) and len(status) in (1, n):
        return status * n if len(status) == 1 else list(status)
    if isinstance(status, dict):
        symbols: list[str | None] = [None] * n
        for key, symbol in status.items():
            if not (isinstance(key, str) and key.isdigit() and int(key) < n):
                raise SourceError(source, f"json-stat2 'status' key {key!r} is not a cell index below {n}", url)
            symbols[int(key)] = symbol
        return symbols
    shown = f"a list of {len(status)}" if isinstance(status, list) else repr(status)[:80]
    raise SourceError(source, f"json-stat2 field 'status' is {shown}, expected one symbol per cell ({n})", url)
