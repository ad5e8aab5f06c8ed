"""End to end: a good snapshot publishes (with validation results); a corrupted one is stopped by the
blocking checks, the refresh raises naming dataset and expectation, and the published file is untouched."""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest

from assets.checks import QUALITY_REGISTRY
from indicator_pipeline.run import RefreshFailed, refresh
from indicator_pipeline.settings import Settings, bundled_snapshot_dir
from snapshot_files import default_plan_kolada, own_kolada_data

AS_OF = date(2026, 11, 20)
BLOCKING = [b.suite for b in QUALITY_REGISTRY if b.blocking]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _corrupt(snapshot: Path) -> None:
    """In the recorded Kolada values body: NKI (U07453) of 250, a duplicated year of N03002, no N00301 at all."""
    body = own_kolada_data(snapshot)
    data = json.loads(body.read_text(encoding="utf-8"))
    values = data["values"]
    for obj in values:
        if obj["kpi"] == "U07453" and obj["period"] == 2025:
            for cell in obj["values"]:
                cell["value"] = 250.0
    values.append(json.loads(json.dumps(next(o for o in values if o["kpi"] == "N03002"))))
    values[:] = [o for o in values if o["kpi"] != "N00301"]
    data["count"] = len(values)
    body.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    for peers_body in default_plan_kolada(snapshot, "data"):  # no N00301 for the peers either
        if peers_body != body:
            peers = json.loads(peers_body.read_text(encoding="utf-8"))
            peers["values"] = [o for o in peers["values"] if o["kpi"] != "N00301"]
            peers["count"] = len(peers["values"])
            peers_body.write_text(json.dumps(peers, ensure_ascii=False), encoding="utf-8")


@pytest.fixture(scope="module")
def published(tmp_path_factory, copy_bundled_warehouse):
    """A good run, published: a copy of the suite's one refresh of the bundled snapshot (tests/conftest.py),
    so the corrupted run below can be tried against it."""
    root = tmp_path_factory.mktemp("gate")
    warehouse = copy_bundled_warehouse(root / "warehouse")
    return root, warehouse


def test_good_run_publishes_validation_results(published):
    _, warehouse = published
    with duckdb.connect(str(warehouse), read_only=True) as con:
        total = con.execute("SELECT count(*) FROM meta.validation_result").fetchone()[0]
        failed = con.execute(
            "SELECT DISTINCT suite, expectation_type FROM meta.validation_result WHERE NOT success"
        ).fetchall()
        suites = {r[0] for r in con.execute("SELECT DISTINCT suite FROM meta.validation_run WHERE success").fetchall()}
        count, sample = con.execute(
            "SELECT unexpected_count, unexpected_sample FROM meta.validation_result "
            "WHERE suite = 'marts_reconciliation' AND NOT success"
        ).fetchone()
        findings = (count, sorted(json.loads(sample)))
    # Only the non-blocking reconciliation warns on the bundled data: the plan's adjusted result differs
    # from Kolada's N03102 by more than the 1 pp tolerance in 2022 and 2024 (items affecting comparability).
    # Soliditet is no warning: the plan's is 10-16 points above Kolada's N03002 by design, as expected.
    assert total > 50 and failed == [("marts_reconciliation", "expect_column_values_to_be_null")]
    assert findings[0] == 2 and [f.split(":")[0] for f in findings[1]] == ["result_adjusted_share 2022", "result_adjusted_share 2024"]
    assert {"staging_kolada_values", "staging_kolada_kpi", "core_fact_indicator_value"} <= suites


def test_corrupted_snapshot_is_stopped_and_nothing_is_published(published):
    root, warehouse = published
    bad = root / "bad_snapshot"
    shutil.copytree(bundled_snapshot_dir(), bad)
    _corrupt(bad)
    before = _sha256(warehouse)

    with pytest.raises(RefreshFailed) as failure:
        refresh(Settings(warehouse_path=warehouse, source_mode="replay", snapshot_dir=bad, as_of=AS_OF))

    message = str(failure.value)
    assert "\n" not in message
    assert "staging.kolada_values" in message and "gx_staging_kolada_values" in message
    assert "expect_column_values_to_be_between on value" in message and "250.0" in message
    assert "expect_compound_columns_to_be_unique" in message and "expect_column_distinct_values_to_contain_set" in message
    assert _sha256(warehouse) == before

    # the failed run's own work file keeps what the gate saw
    works = sorted((warehouse.parent / ".work").glob("*.duckdb"), key=lambda p: p.stat().st_mtime)
    with duckdb.connect(str(works[-1]), read_only=True) as con:
        rows = con.execute(
            "SELECT expectation_type, unexpected_sample FROM meta.validation_result WHERE suite = 'staging_kolada_values' AND NOT success"
        ).fetchall()
    assert ("expect_column_distinct_values_to_contain_set", '["missing N00301"]') in rows
