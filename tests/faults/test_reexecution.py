"""Safe re-runs: "Re-execute from failure" continues the failed run's work file and publishes only a
complete logical run. The job runs in-process on a persistent Dagster instance (re-execution reads the
parent run's event log), in live mode against loopback stand-ins for Kolada and SCB."""

from __future__ import annotations

import json
import shutil

import pytest
from dagster import DagsterInstance, ReexecutionOptions, execute_job, reconstructable
from dagster._core.definitions.reconstruct import ReconstructableJob
from faultenv import AS_OF
from faultkit import BUNDLED, Answer, SourceServer, edit_snapshot_value, fact_value, open_read_only, sha256

from indicator_pipeline.warehouse.publish import work_path

KOLADA_DATA = "/v3/data/kpi/"
SCB_DATA = "/api/v2/tables/TAB4572/data"
JSON = {"Content-Type": "application/json"}
SCB_FACTS = (
    "SELECT f.value FROM core.fact_indicator_value f JOIN core.dim_indicator i USING (indicator_id)"
    " WHERE i.source_id = 'TAB4572' AND f.municipality_code = '1283' ORDER BY f.year, f.value"
)


def full_refresh():
    """The job as the code location builds it, from the environment (reconstructable: module level)."""
    from assets.definitions import build_definitions
    from indicator_pipeline.settings import Settings

    return build_definitions(Settings.from_env()).resolve_job_def("full_refresh")


def down(path, recorded, base):
    return Answer(503, b"down for maintenance")


def scb_doubled(path, recorded, base):
    body = json.loads(recorded.body)
    body["value"] = [v * 2 if v is not None else None for v in body["value"]]
    return Answer(200, json.dumps(body).encode(), JSON)


@pytest.fixture
def live(clean_env, warehouse, tmp_path):
    landing = tmp_path / "landing"
    shutil.copytree(BUNDLED / "filedrop", landing)
    snapshot = tmp_path / "revised"
    shutil.copytree(BUNDLED, snapshot)
    edit_snapshot_value(snapshot, "N00301", 2024, 51.7, "2026-11-25T03:00:00+00:00")  # Kolada's new data
    for name, value in {"INDICATOR_WAREHOUSE": warehouse, "INDICATOR_SOURCE_MODE": "live", "INDICATOR_AS_OF": AS_OF.isoformat(),
                        "INDICATOR_LANDING_DIR": landing}.items():
        clean_env.setenv(name, str(value))
    (tmp_path / "dagster").mkdir()
    # Dagster keeps the last reconstructed job per process (a run under the daemon is a process of its
    # own); this test's job reads a new warehouse path from the environment, so forget the last one.
    ReconstructableJob.get_definition.cache_clear()
    ReconstructableJob.get_repository_definition.cache_clear()
    with SourceServer(snapshot) as server, DagsterInstance.local_temp(str(tmp_path / "dagster")) as instance:
        clean_env.setenv("KOLADA_BASE_URL", f"{server.url}/v3")
        clean_env.setenv("SCB_BASE_URL", f"{server.url}/api/v2")
        yield server, instance


def run(instance, **kwargs):
    with execute_job(reconstructable(full_refresh), instance=instance, raise_on_error=False, **kwargs) as result:
        return result.run_id, result.success, {e.step_key for e in result.get_step_failure_events()}


def test_reexecuting_a_failed_run_publishes_the_data_of_both_attempts(live, warehouse):
    server, instance = live
    with open_read_only(warehouse) as con:
        scb_before = [v for (v,) in con.execute(SCB_FACTS).fetchall()]
        kolada_before = fact_value(con, "N00301", 2024)
    published = sha256(warehouse)

    # 1. SCB sends new figures; Kolada's values are down: the run fails, nothing is published.
    server.faults[:] = [(SCB_DATA, scb_doubled), (KOLADA_DATA, down)]
    first, success, failed = run(instance)
    assert not success and "kolada_values_raw" in failed
    assert sha256(warehouse) == published
    assert work_path(warehouse, first).exists(), "the failed run's staged data is kept for a re-execution"

    # 2. A re-execution of the publish step alone lacks Kolada's values: it must refuse to publish.
    only_publish, success, failed = run(
        instance, reexecution_options=ReexecutionOptions(parent_run_id=first, step_selection=["published_warehouse"])
    )
    assert not success and failed == {"published_warehouse"}
    assert sha256(warehouse) == published
    assert instance.get_run_by_id(only_publish).root_run_id == first

    # 3. Kolada is back, SCB is now down: a re-execution from failure runs only what failed and what is
    # downstream of it (never SCB's steps) and publishes both SCB's figures of the first attempt and
    # Kolada's new value.
    server.faults[:] = [(SCB_DATA, down)]
    asked_before = len(server.requests)
    second, success, failed = run(instance, reexecution_options=ReexecutionOptions.from_failure(first, instance))
    assert success, failed
    assert not [r for r in server.requests[asked_before:] if SCB_DATA in r], "SCB's steps ran again"
    assert instance.get_run_by_id(second).root_run_id == first
    with open_read_only(warehouse) as con:
        assert fact_value(con, "N00301", 2024) == 51.7 != kolada_before
        assert [v for (v,) in con.execute(SCB_FACTS).fetchall()] == [v * 2 for v in scb_before]
    assert not work_path(warehouse, first).exists(), "the logical run's work file is removed once published"


def test_a_reexecution_whose_work_file_is_gone_fails_rather_than_start_afresh(live, warehouse):
    server, instance = live
    server.faults[:] = [(KOLADA_DATA, down)]
    first, success, _ = run(instance)
    assert not success
    work = work_path(warehouse, first)
    work.unlink()  # as the clean-up of stale work files does after 24 h
    published = sha256(warehouse)
    server.faults[:] = []
    _, success, failed = run(instance, reexecution_options=ReexecutionOptions.from_failure(first, instance))
    assert not success and failed
    assert sha256(warehouse) == published


def kolada_revised(path, recorded, base):
    """Kolada's answer with the plan's N00301 for 2024 revised to 52.5."""
    body = json.loads(recorded.body)
    for obj in body["values"]:
        if obj["kpi"] == "N00301" and obj["period"] == 2024 and obj["municipality"] == "1283":
            for cell in obj["values"]:
                cell["value"] = 52.5 if cell["gender"] == "T" else cell["value"]
    return Answer(200, json.dumps(body).encode(), JSON)


def test_a_reexecution_whose_root_run_wrote_nothing_makes_the_work_file(live, warehouse):
    """A run finds every source it reaches unchanged and fails fetching Kolada's values: it wrote
    nothing, so it made no work file; its re-execution makes one and publishes Kolada's revision."""
    server, instance = live
    _, success, failed = run(instance)  # the stand-ins' answers published once: unchanged from now on
    assert success, failed
    server.faults[:] = [(KOLADA_DATA, down)]
    first, success, _ = run(instance)
    assert not success and not work_path(warehouse, first).exists()
    server.faults[:] = [(KOLADA_DATA, kolada_revised)]
    _, success, failed = run(instance, reexecution_options=ReexecutionOptions.from_failure(first, instance))
    assert success, failed
    with open_read_only(warehouse) as con:
        assert fact_value(con, "N00301", 2024) == 52.5
