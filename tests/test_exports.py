"""Parquet and CSV exports of the marts, published with the warehouse: one run's set, never a mix."""

from __future__ import annotations

import hashlib
import json
import os
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from indicator_pipeline.settings import Settings
from indicator_pipeline.warehouse import publish as publishing
from indicator_pipeline.warehouse.exports import swedish_number, write_csv, write_exports
from indicator_pipeline.warehouse.publish import PublishError, prepare_work_file, publish

MARTS = {"goal_status", "goal_status_display", "goal_status_history", "goal_status_methods", "goal_tree", "indicator_vs_target", "reconciliation", "index_inputs", "peer_comparison"}
NUMBER_TYPES = {"DOUBLE", "FLOAT", "INTEGER", "BIGINT"}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def manifest(warehouse: Path) -> dict:
    return json.loads((warehouse.parent / "exports" / "manifest.json").read_text(encoding="utf-8"))


def tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): sha256(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def parse_csv(text: str) -> list[list[tuple[str, bool]]]:
    """`;`-separated cells as (text, was_quoted); "" inside quotes is one quote."""
    rows, row, cell, quoted, i = [], [], "", False, 0
    while i < len(text):
        ch = text[i]
        if ch == '"' and not cell and not quoted:
            end = i + 1
            while True:
                end = text.index('"', end)
                if text[end : end + 2] == '""':
                    end += 2
                    continue
                break
            cell, quoted, i = text[i + 1 : end].replace('""', '"'), True, end + 1
            continue
        if ch == ";":
            row.append((cell, quoted))
            cell, quoted = "", False
        elif text[i : i + 2] == "\r\n":
            row.append((cell, quoted))
            rows.append(row)
            row, cell, quoted = [], "", False
            i += 1
        else:
            cell += ch
        i += 1
    assert not row and not cell, "the file ends with CRLF"
    return rows


# --- the bundled refresh ------------------------------------------------------------------------


def test_exports_are_published_with_the_bundled_warehouse_from_the_same_run(bundled_refresh):
    folder = bundled_refresh.path.parent
    link = folder / "exports"
    assert link.is_symlink() and os.readlink(link).startswith(".exports" + os.sep)
    listed = manifest(bundled_refresh.path)
    with duckdb.connect(str(bundled_refresh.path), read_only=True) as con:
        runs = {run for (run,) in con.table("meta.validation_run").select("run_id").fetchall()}
        history = {run for (run,) in con.table("marts.goal_status_history").select("run_id").fetchall()}
    assert runs == history == {listed["run_id"]} and link.resolve().name == listed["run_id"]
    assert listed["as_of"] == "2026-11-20" and datetime.fromisoformat(listed["written_at"]).tzinfo is not None
    assert listed["warehouse"] == {
        "file": "indicators.duckdb",
        "bytes": bundled_refresh.path.stat().st_size,
        "sha256": sha256(bundled_refresh.path),
    }
    assert sorted(f["file"] for f in listed["files"]) == sorted(f"{v}.{kind}" for v in MARTS for kind in ("parquet", "csv"))
    package = ["datapackage.json", "datapackage.zip"]  # tests/test_datapackage.py
    assert [p["file"] for p in listed["package"]] == package
    assert sorted(p.name for p in link.iterdir()) == sorted([*(f["file"] for f in listed["files"]), "manifest.json", *package])
    for entry in listed["files"]:
        path = link / entry["file"]
        assert (entry["bytes"], entry["sha256"]) == (path.stat().st_size, sha256(path)), entry["file"]


def test_parquet_files_have_the_same_rows_as_the_views(bundled_refresh):
    listed = {f["file"]: f for f in manifest(bundled_refresh.path)["files"]}
    with duckdb.connect(str(bundled_refresh.path), read_only=True) as con:
        for view in sorted(MARTS):
            rows = con.table(f"marts.{view}").fetchall()
            exported = con.read_parquet(str(bundled_refresh.path.parent / "exports" / f"{view}.parquet")).fetchall()
            assert sorted(exported, key=repr) == sorted(rows, key=repr), view
            assert len(rows) > 0 and listed[f"{view}.parquet"]["rows"] == listed[f"{view}.csv"]["rows"] == len(rows)


def test_the_same_warehouse_exports_the_same_bytes_in_a_fixed_row_order(bundled_refresh, tmp_path):
    """A view has no row order of its own: without one, two exports of the same marts differed and so did
    their hashes in the manifest and the data package."""
    for folder in ("first", "second"):
        write_exports(bundled_refresh.path, tmp_path / folder, "run", "indicators.duckdb")
    for view in sorted(MARTS):
        for kind in ("csv", "parquet"):
            first, second = (tmp_path / folder / f"{view}.{kind}" for folder in ("first", "second"))
            assert first.read_bytes() == second.read_bytes(), f"{view}.{kind}"
        with duckdb.connect(str(bundled_refresh.path), read_only=True) as con:
            ordered = con.table(f"marts.{view}").order("ALL").fetchall()
            assert con.read_parquet(str(tmp_path / "first" / f"{view}.parquet")).fetchall() == ordered, view


def test_csv_files_parse_back_with_semicolons_and_decimal_commas_to_the_views_values(bundled_refresh):
    with duckdb.connect(str(bundled_refresh.path), read_only=True) as con:
        for view in sorted(MARTS):
            relation = con.table(f"marts.{view}")
            types = [str(t) for t in relation.types]
            raw = (bundled_refresh.path.parent / "exports" / f"{view}.csv").read_bytes()
            assert raw.startswith(b"\xef\xbb\xbf"), view  # UTF-8 BOM for Excel
            header, *rows = parse_csv(raw.decode("utf-8-sig"))
            assert [cell for cell, _ in header] == relation.columns
            expected = sorted(relation.fetchall(), key=repr)
            parsed = sorted((tuple(_value(cell, kind) for cell, kind in zip(row, types)) for row in rows), key=repr)
            assert len(parsed) == len(expected) > 0, view
            for got, want in zip(parsed, expected):
                for value, original, kind in zip(got, want, types):
                    if original is None:
                        assert value is None
                    elif kind == "VARCHAR":
                        assert value == original
                    elif kind in NUMBER_TYPES:
                        assert value == original  # every digit survives the decimal comma
                    elif kind == "BOOLEAN":
                        assert value == ("true" if original else "false")
                    else:
                        assert value == (original.isoformat() if hasattr(original, "isoformat") else str(original))


def _value(cell: tuple[str, bool], kind: str):
    text, quoted = cell
    if not text and not quoted:
        return None
    if kind == "VARCHAR" or kind.endswith("[]"):
        assert quoted, f"text cell {text!r} is quoted, so it stays text"
        return text
    assert not quoted, f"{kind} cell {text!r} is not quoted, so it is a number/date to Excel"
    if kind in NUMBER_TYPES:
        assert "." not in text and " " not in text and "e" not in text.lower(), text  # decimal comma, no separators
        return float(text.replace(",", ".")) if kind in {"DOUBLE", "FLOAT"} else int(text)
    return text


@pytest.mark.parametrize(
    ("number", "written"),
    [(-0.7000000000000028, "-0,7000000000000028"), (1234567.5, "1234567,5"), (1e-05, "0,00001"), (76.0, "76,0"), (1e20, "100000000000000000000")],
)
def test_numbers_are_written_with_a_decimal_comma_and_no_separators(number, written):
    assert swedish_number(number) == written


# --- the publish step, as a library -------------------------------------------------------------


@pytest.mark.parametrize(
    "text, written",
    [
        ("=HYPERLINK(\"http://example.invalid\";\"x\")", "'=HYPERLINK(\"http://example.invalid\";\"x\")"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(1+1)*cmd|' /C calc'!A0", "'@SUM(1+1)*cmd|' /C calc'!A0"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("+0,13", "+0,13"),  # a signed number as text (gap_sv) cannot be a formula
        ("-1\u00a0234,5", "-1\u00a0234,5"),
        ("\u22121\u00a0234,5", "\u22121\u00a0234,5"),  # a real minus sign is no formula start
        ("Trygghet = 62", "Trygghet = 62"),  # only the first character counts
    ],
)
def test_text_cells_a_spreadsheet_could_run_as_formulas_are_neutralised(tmp_path, text, written):
    out = tmp_path / "cells.csv"
    write_csv(out, ["note", "gap"], ["VARCHAR", "DOUBLE"], [(text, -0.7), ("-", -12.0)])
    header, first, second = parse_csv(out.read_bytes().decode("utf-8-sig"))
    assert first == [(written, True), ("-0,7", False)]  # the number keeps its sign, unquoted
    assert second == [("'-", True), ("-12,0", False)]


@pytest.fixture
def serving(tmp_path) -> Path:
    path = tmp_path / "wh" / "indicators.duckdb"
    path.parent.mkdir()
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE SCHEMA marts; CREATE TABLE t (run VARCHAR, x DOUBLE)")
        con.execute("CREATE VIEW marts.test_rows AS SELECT run, x FROM t")  # beside the real marts (empty here)
    return path


def run(serving: Path, run_id: str, rows: int) -> Path:
    work = prepare_work_file(serving, run_id)
    with duckdb.connect(str(work)) as con:
        con.execute("DELETE FROM t")
        con.executemany("INSERT INTO t VALUES (?, ?)", [[run_id, i + 0.5] for i in range(rows)])
    return work


def published_state(serving: Path) -> tuple:
    link = serving.parent / "exports"
    return os.readlink(link), tree(link.resolve()), serving.read_bytes()


def assert_one_run(serving: Path, run_id: str, rows: int) -> None:
    listed = manifest(serving)
    assert listed["run_id"] == run_id and listed["warehouse"]["sha256"] == sha256(serving)
    with duckdb.connect(str(serving), read_only=True) as con:
        assert con.table("t").fetchall() == [(run_id, i + 0.5) for i in range(rows)]
        exported = con.read_parquet(str(serving.parent / "exports" / "test_rows.parquet")).select("run").fetchall()
    assert exported == [(run_id,)] * rows


def test_a_failed_publish_leaves_the_previous_warehouse_and_exports_untouched(serving, monkeypatch):
    publish(run(serving, "run-a", 2), serving)
    assert_one_run(serving, "run-a", 2)
    before = published_state(serving)

    real = publishing.write_exports

    def fails_half_way(built, folder, run_id, name):
        real(built, folder, run_id, name)  # every file written, then the disk fills up
        raise OSError(28, "No space left on device", str(folder / "manifest.json"))

    monkeypatch.setattr(publishing, "write_exports", fails_half_way)
    with pytest.raises(PublishError, match="No space left on device.*the published file and exports are unchanged"):
        publish(run(serving, "run-b", 3), serving)
    assert published_state(serving) == before
    assert sorted(p.name for p in (serving.parent / ".work").iterdir()) == ["run-b.base.json", "run-b.duckdb"]
    assert sorted(p.name for p in (serving.parent / ".exports").iterdir()) == ["run-a"]

    monkeypatch.setattr(publishing, "write_exports", real)
    with pytest.raises(PublishError, match="is not a known DuckDB version"):
        publish(run(serving, "run-c", 3), serving, storage_version="v9.9.9")
    assert published_state(serving) == before

    publish(run(serving, "run-d", 4), serving)
    assert_one_run(serving, "run-d", 4)
    assert sorted(p.name for p in (serving.parent / ".exports").iterdir()) == ["run-a", "run-d"]


def test_a_run_that_started_from_an_older_file_publishes_neither_warehouse_nor_exports(serving):
    slow = run(serving, "slow-run", 1)
    publish(run(serving, "fast-run", 2), serving)
    before = published_state(serving)
    with pytest.raises(PublishError, match="was replaced by another run"):
        publish(slow, serving)
    assert published_state(serving) == before
    assert_one_run(serving, "fast-run", 2)


def test_old_export_sets_are_removed_and_the_exports_link_always_names_the_warehouses_run(serving):
    for number in range(5):
        publish(run(serving, f"run-{number}", number + 1), serving)
        assert_one_run(serving, f"run-{number}", number + 1)
        os.utime(serving.parent / ".exports" / f"run-{number}", (1_000_000 + number, 1_000_000 + number))
    assert sorted(p.name for p in (serving.parent / ".exports").iterdir()) == ["run-2", "run-3", "run-4"]


def test_a_real_exports_folder_is_moved_aside_once(serving):
    (serving.parent / "exports").mkdir()
    (serving.parent / "exports" / "mine.csv").write_text("kept")
    publish(run(serving, "run-a", 1), serving)
    assert_one_run(serving, "run-a", 1)
    aside = [p for p in (serving.parent / ".exports").iterdir() if p.name.startswith("before-links-")]
    assert len(aside) == 1 and (aside[0] / "mine.csv").read_text() == "kept"
    for number in range(4):  # old export sets are cleaned; the folder moved aside is not the pipeline's
        publish(run(serving, f"run-{number}", 1), serving)
    assert (aside[0] / "mine.csv").read_text() == "kept"
    assert len([p for p in (serving.parent / ".exports").iterdir() if not p.name.startswith("before-links-")]) == 3


def test_the_storage_version_is_a_setting(monkeypatch):
    monkeypatch.setenv("INDICATOR_STORAGE_VERSION", "v1.4.0")
    assert Settings.from_env().storage_version == "v1.4.0"
    monkeypatch.delenv("INDICATOR_STORAGE_VERSION")
    assert Settings.from_env().storage_version == "v1.1.0"
