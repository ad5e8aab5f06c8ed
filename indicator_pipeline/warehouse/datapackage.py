"""The exports folder as a Frictionless Data Package: `datapackage.json` beside the files, one resource
per file with a Table Schema from the column dictionary, the sources and licences the published
warehouse's payloads were archived under, the run; and `datapackage.zip`, the package for download
(docs/bi-access.md, "Exports"). Written with json: the `frictionless` library checks it in the tests.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import duckdb

from indicator_pipeline.sources import api_addresses
from indicator_pipeline.warehouse.dictionary import comment_text, load_dictionary
from indicator_pipeline.warehouse.sql import sql_text

DESCRIPTOR = "datapackage.json"
ZIP = "datapackage.zip"
CUSTOM = "indicator_pipeline"  # the key of this pipeline's own properties, at every level
SOURCES = {  # raw.payload.source -> what the package names as the source
    "kolada": {"title": "Kolada (RKA)", "path": api_addresses.KOLADA},
    "scb": {"title": "SCB, Statistikdatabasen (PxWeb API v2)", "path": api_addresses.SCB_PXWEB},
}
LICENCE_IDS = {"CC BY 4.0": "CC-BY-4.0", "CC0 1.0": "CC0-1.0"}  # as written in an archived licence -> its SPDX id
UNNAMED_LICENCE = "notspecified"  # Open Definition's id where the licence text names none (a city's own files)
INTEGER_TYPES = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT"}
FLOAT_TYPES = {"FLOAT", "DOUBLE", "REAL"}
_FIELD_TYPES = {"VARCHAR": "string", "BOOLEAN": "boolean", "DATE": "date", "TIMESTAMP": "datetime", "TIMESTAMP WITH TIME ZONE": "datetime"}
_MEDIA_TYPES = {"csv": "text/csv", "parquet": "application/vnd.apache.parquet"}
# frictionless-py reads Parquet through pandas, where a missing integer becomes NaN and a list a numpy
# array, so its row check reports errors the file does not have: it checks a Parquet resource as a file
# (bytes, sha256); the tests check its rows against the same schema through pyarrow.
_KINDS = {"csv": {"type": "table", "profile": "tabular-data-resource"}, "parquet": {"type": "file"}}


def write_package(con: duckdb.DuckDBPyConnection, folder: Path, manifest: dict) -> list[Path]:
    """Write `datapackage.json` and `datapackage.zip` into `folder` for the files `manifest` lists
    (read from `con`, the published warehouse); returns the two paths."""
    descriptor = package_descriptor(con, manifest)
    path = folder / DESCRIPTOR
    path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    archive = folder / ZIP
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as out:
        for name in [DESCRIPTOR, *(r["path"] for r in descriptor["resources"])]:
            out.write(folder / name, name)
    return [path, archive]


def package_descriptor(con: duckdb.DuckDBPyConnection, manifest: dict) -> dict:
    described = dict(con.sql(sql_text("publish/mart_views.sql")).fetchall())
    licences = con.sql(sql_text("publish/payload_licences.sql")).fetchall()
    return {
        "profile": "data-package",
        "name": "indicator-warehouse-exports",
        "title": "Goal follow-up: the marts of the indicator warehouse",
        "created": manifest["written_at"],
        "licenses": _unique(_licence(text) for _, text in licences),
        "sources": _unique(_source(source, text) for source, text in licences),
        CUSTOM: {"run_id": manifest["run_id"], "as_of": manifest["as_of"], "warehouse": manifest["warehouse"]},
        "resources": [_resource(con, entry, described.get(entry["view"].removeprefix("marts.")), manifest["csv"]) for entry in manifest["files"]],
    }


def _licence(text: str) -> dict:
    ids = [spdx for words, spdx in LICENCE_IDS.items() if words in text]
    return {"name": ids[0] if ids else UNNAMED_LICENCE, "title": text}


def _source(source: str, licence: str) -> dict:
    return SOURCES.get(source) or {"title": f"{licence}: the city's own files ({source})"}


def _unique(items) -> list[dict]:
    return list({json.dumps(item, sort_keys=True): item for item in items}.values())


def _resource(con: duckdb.DuckDBPyConnection, entry: dict, description: str | None, csv: dict) -> dict:
    view, kind = entry["view"], entry["format"]
    resource = {
        "name": f"{view.removeprefix('marts.')}-{kind}",
        "path": entry["file"],
        **_KINDS[kind],
        "format": kind,
        "mediatype": _MEDIA_TYPES[kind],
        **({"description": description} if description else {}),
        "bytes": entry["bytes"],
        "hash": f"sha256:{entry['sha256']}",
        "schema": table_schema(con, view, decimal_comma=kind == "csv"),
        CUSTOM: {"view": view, "rows": entry["rows"]},
    }
    if kind == "csv":
        resource |= {"encoding": "utf-8-sig", "dialect": {"delimiter": csv["separator"], "header": True}}
    return resource


def table_schema(con: duckdb.DuckDBPyConnection, view: str, decimal_comma: bool) -> dict:
    """`view`'s Table Schema: every column, typed from DuckDB, described by the dictionary (a column it
    does not describe has no description), and the view's primary key where the dictionary gives one."""
    dictionary = load_dictionary()
    relation = con.table(view)
    fields = []
    for name, duckdb_type in zip(relation.columns, (str(t) for t in relation.types)):
        entry = dictionary.column(view, name)
        field = {"name": name, "type": field_type(duckdb_type)}
        if entry:
            field["description"] = comment_text(entry)
            if entry.get("unit"):
                field[CUSTOM] = {"unit": entry["unit"]}
        if decimal_comma and field["type"] == "number":
            field["decimalChar"] = ","
        fields.append(field)
    schema = {"fields": fields, "missingValues": [""]}
    key = dictionary.objects.get(view, {}).get("primary_key")
    return schema | {"primaryKey": key} if key else schema


def field_type(duckdb_type: str) -> str:
    """The Table Schema type of a DuckDB column type; `any` for a type with none (a struct, a map)."""
    if duckdb_type in INTEGER_TYPES:
        return "integer"
    if duckdb_type in FLOAT_TYPES or duckdb_type.startswith("DECIMAL"):
        return "number"
    if duckdb_type.endswith("[]") and field_type(duckdb_type[:-2]) in ("integer", "number"):
        return "array"  # a JSON array in the CSV ([2023, 2024]), a list in Parquet
    return _FIELD_TYPES.get(duckdb_type, "any")
