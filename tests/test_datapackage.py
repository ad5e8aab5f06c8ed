"""The exports folder is a Frictionless Data Package: `datapackage.json` that the `frictionless` library
validates (every CSV's rows against its Table Schema, every file's bytes and sha256), its Parquet files'
rows matching the same schema, the sources and licences of what the plans read, the published
warehouse's run and sha256, and `datapackage.zip` holding the package. A BI team's own mart: see
tests/warehouse/test_bi_mart.py."""

from __future__ import annotations

import hashlib
import json
import zipfile

import duckdb
import pyarrow.parquet as pq
import pytest
from frictionless import Package, Resource, Schema

from indicator_pipeline.settings import Settings
from indicator_pipeline.sources import kolada, pxweb
from indicator_pipeline.steps import scb
from tests.conftest import BUNDLED_AS_OF


@pytest.fixture(scope="module")
def exports(bundled_refresh):
    return bundled_refresh.path.parent / "exports"


@pytest.fixture(scope="module")
def descriptor(exports) -> dict:
    return json.loads((exports / "datapackage.json").read_text(encoding="utf-8"))


def test_frictionless_finds_the_package_valid(exports):
    report = Package(str(exports / "datapackage.json")).validate()
    assert report.valid, report.flatten(["title", "fieldName", "rowNumber", "note"])[:20]
    checked = {task.name: task for task in report.tasks}
    listed = json.loads((exports / "manifest.json").read_text(encoding="utf-8"))["files"]
    assert sorted(checked) == sorted(f"{f['view'].removeprefix('marts.')}-{f['format']}" for f in listed)
    for entry in listed:  # each CSV's rows were read and checked against its schema
        if entry["format"] == "csv":
            assert checked[f"{entry['view'].removeprefix('marts.')}-csv"].stats["rows"] == entry["rows"] > 0


def test_a_changed_file_makes_the_package_invalid(exports, descriptor, tmp_path):
    for resource in descriptor["resources"]:
        (tmp_path / resource["path"]).write_bytes((exports / resource["path"]).read_bytes())
    target = tmp_path / "goal_status.parquet"
    target.write_bytes(target.read_bytes() + b"\0")
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    report = Package(str(tmp_path / "datapackage.json")).validate()
    assert not report.valid and {task.name for task in report.tasks if not task.valid} == {"goal_status-parquet"}


def test_the_parquet_rows_match_the_same_schema(exports, descriptor):
    """frictionless-py reads Parquet through pandas (NaN for a missing integer): the rows are read with
    pyarrow, as they are in the file, and frictionless checks them against the resource's schema."""
    parquet = [r for r in descriptor["resources"] if r["format"] == "parquet"]
    assert parquet and all(r["type"] == "file" for r in parquet)
    for resource in parquet:
        table = pq.read_table(exports / resource["path"])
        assert table.column_names == [f["name"] for f in resource["schema"]["fields"]]
        rows = [list(row.values()) for row in table.to_pylist()]
        report = Resource(data=[table.column_names, *rows], schema=Schema.from_descriptor(resource["schema"])).validate()
        assert report.valid and report.task.stats["rows"] == resource["indicator_pipeline"]["rows"], resource["name"]


def test_every_view_has_a_typed_schema_from_the_dictionary(bundled_refresh, descriptor):
    with duckdb.connect(str(bundled_refresh.path), read_only=True) as con:
        for resource in descriptor["resources"]:
            fields = {f["name"]: f for f in resource["schema"]["fields"]}
            relation = con.table(resource["indicator_pipeline"]["view"])
            assert list(fields) == relation.columns
            for name, kind in zip(relation.columns, map(str, relation.types)):
                assert fields[name]["type"] == {"VARCHAR": "string", "INTEGER": "integer", "BIGINT": "integer", "DOUBLE": "number",
                                                "BOOLEAN": "boolean", "DATE": "date", "TIMESTAMP WITH TIME ZONE": "datetime",
                                                "INTEGER[]": "array"}[kind], (resource["name"], name)
                assert fields[name]["description"], (resource["name"], name)  # the marts are all described
            assert "primaryKey" in resource["schema"], resource["name"]  # every bundled mart has one
    status = next(r for r in descriptor["resources"] if r["name"] == "goal_status-csv")
    value = next(f for f in status["schema"]["fields"] if f["name"] == "latest_value")
    assert value["description"].endswith("Unit: the row's unit.") and value["indicator_pipeline"] == {"unit": "the row's unit"}
    assert value["decimalChar"] == "," and status["dialect"]["delimiter"] == ";"
    assert status["schema"]["primaryKey"] == ["plan_id", "target_id"]


def test_the_sources_and_licences_are_those_of_what_the_plans_read(descriptor):
    plans = Settings(source_mode="replay", as_of=BUNDLED_AS_OF).plans
    read = plans.sources_read()
    assert {"kolada", "scb"} <= read and any(s.startswith("filedrop_") for s in read)
    licences = {(entry["name"], entry["title"]) for entry in descriptor["licenses"]}
    sources = {entry["title"]: entry.get("path") for entry in descriptor["sources"]}
    assert ("CC-BY-4.0", kolada.LICENCE) in licences and sources["Kolada (RKA)"] == kolada.DEFAULT_BASE_URL
    assert ("CC0-1.0", scb.LICENCE) in licences and pxweb.DEFAULT_BASE_URL in sources.values()
    assert ("notspecified", plans.filedrop_licence) in licences  # the plan names whose figures they are, not a licence
    assert f"{plans.filedrop_licence}: the city's own files (filedrop)" in sources
    assert len(licences) == len(sources) == 3


def test_the_package_names_the_run_and_the_published_warehouse(bundled_refresh, descriptor, exports):
    manifest = json.loads((exports / "manifest.json").read_text(encoding="utf-8"))
    own = descriptor["indicator_pipeline"]
    assert own["run_id"] == manifest["run_id"] == exports.resolve().name
    assert own["as_of"] == BUNDLED_AS_OF.isoformat()
    assert own["warehouse"]["sha256"] == hashlib.sha256(bundled_refresh.path.read_bytes()).hexdigest()
    assert own["warehouse"]["bytes"] == bundled_refresh.path.stat().st_size


def test_the_zip_holds_the_descriptor_and_every_resource(exports, descriptor):
    with zipfile.ZipFile(exports / "datapackage.zip") as archive:
        names = archive.namelist()
        assert sorted(names) == sorted(["datapackage.json", *(r["path"] for r in descriptor["resources"])])
        for name in names:
            assert archive.read(name) == (exports / name).read_bytes(), name
    listed = json.loads((exports / "manifest.json").read_text(encoding="utf-8"))["package"]
    for entry in listed:
        assert entry["sha256"] == hashlib.sha256((exports / entry["file"]).read_bytes()).hexdigest()
