"""One registry of sources (indicator_pipeline/sources_registry.py) for the asset graph and the fast
path, and the graph's second run on unchanged sources saying, asset by asset, why it did nothing."""

from __future__ import annotations

import os
import re
from datetime import date

import duckdb
import pytest
from dagster import AssetKey, DagsterInstance

from assets.definitions import build_definitions
from indicator_pipeline.catalog import load_plan
from indicator_pipeline.settings import Settings
from indicator_pipeline.sources_registry import SOURCES
from indicator_pipeline.steps.peers import stored_peer_set

BUNDLED_AS_OF = date(2026, 11, 20)
REDIRECTING = ("DAGSTER_HOME", "KOLADA_BASE_URL", "SCB_BASE_URL")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in [*REDIRECTING, *(k for k in os.environ if k.startswith("INDICATOR_"))]:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def graph(tmp_path_factory):
    settings = Settings(warehouse_path=tmp_path_factory.mktemp("defs") / "indicators.duckdb", source_mode="replay")
    return build_definitions(settings).resolve_asset_graph()


def test_the_sources_group_is_the_registry_and_every_source_is_recorded_by_its_key(graph, bundled_refresh):
    sources_group = {key.to_user_string() for key in graph.get_all_asset_keys() if graph.get(key).group_name == "sources"}
    assert sources_group == {s.key for s in SOURCES if s.system != "plan"}
    plan_step = next(s.key for s in SOURCES if s.system == "plan")
    assert {graph.get(key).group_name for key in graph.get_all_asset_keys() if graph.get(key).assets_def.node_def.name == plan_step} == {"core"}
    with duckdb.connect(str(bundled_refresh.path), read_only=True) as con:
        recorded = {key for (key,) in con.execute("SELECT source_key FROM meta.source_load").fetchall()}
    assert recorded == {s.key for s in SOURCES}


def test_sources_fetched_for_the_peer_set_come_after_the_step_that_stages_it(graph):
    peer_set = AssetKey(["core", "peer_set"])
    for source in (s for s in SOURCES if s.system != "plan"):  # the plan file is read by its step, not an asset of its own
        parents = graph.get(AssetKey(source.key)).parent_keys
        assert (peer_set in parents) == source.uses_peer_set, source.key
    assert SOURCES[0].key == "kolada_municipalities_raw"  # the fast path walks the registry in order: its list first


def test_kolada_was_asked_for_the_staged_peer_set(bundled_refresh):
    with duckdb.connect(str(bundled_refresh.path), read_only=True) as con:
        staged = stored_peer_set(con, load_plan())
        urls = [url for (url,) in con.execute("SELECT location FROM meta.source_input WHERE source_key = 'kolada_values_raw'").fetchall()]
    assert staged.own == "1283" and staged.references == ("0000", "0012")
    assert staged.peers == ("0126", "0136", "0581", "1490", "1880", "1980", "2180")
    asked = {code for url in urls for code in re.search(r"/municipality/([0-9,]+)/", url).group(1).split(",")}
    assert tuple(sorted(asked)) == staged.requested


def test_a_second_run_of_the_job_says_in_every_materialisation_why_it_did_nothing(copy_bundled_warehouse, tmp_path):
    """The bundled warehouse is the job's first run; the job runs again on the same snapshot."""
    path = copy_bundled_warehouse(tmp_path / "w")
    with duckdb.connect(str(path), read_only=True) as con:
        [(first_run,)] = con.execute("SELECT DISTINCT run_id FROM meta.source_load").fetchall()
    settings = Settings(warehouse_path=path, source_mode="replay", as_of=BUNDLED_AS_OF)
    definitions = build_definitions(settings)
    job = definitions.resolve_job_def("full_refresh")
    with DagsterInstance.ephemeral() as instance:
        result = job.execute_in_process(instance=instance, raise_on_error=False)
    assert result.success
    metadata = {
        event.asset_key.to_user_string(): {k: v.value for k, v in event.materialization.metadata.items()}
        for event in result.get_asset_materialization_events()
    }
    fetched = {s.key for s in SOURCES if s.fetch is not None}
    assert set(metadata) == {key.to_user_string() for key in definitions.resolve_asset_graph().get_all_asset_keys()}
    for asset, values in metadata.items():
        if asset in fetched:  # a fetch always fetches: it is what the next step compares
            assert "unchanged" not in values and values["payloads"] > 0, asset
            continue
        assert values["unchanged"] is True, asset
        assert values["unchanged_since_run"] == first_run, asset
        assert first_run in values["reason"], (asset, values["reason"])
    for source in SOURCES:
        reason = metadata[_staged_by(source.key)]["reason"]
        assert reason.startswith(f"{source.key}: the same ") and "inputs (sha256) under the same fingerprint" in reason
    assert "no source changed in this run" in metadata["core/indicator_value_vintage"]["reason"]
    assert "not replaced" in metadata["published_warehouse"]["reason"]
    quality = [e for e in result.get_asset_check_evaluations() if e.check_name.startswith("gx_")]
    assert len(quality) == 9
    for evaluation in quality:  # the verdict of the run that validated the unchanged table, not validated again
        assert evaluation.metadata["revalidated"].value is False, evaluation.check_name
        assert evaluation.metadata["validated_in_run"].value == first_run, evaluation.check_name
    assert not list((path.parent / ".work").glob("*.duckdb")), "no work file: nothing was copied or staged"


def _staged_by(source_key: str) -> str:
    """The asset whose materialisation says whether `source_key` changed: the first table its step writes."""
    return {
        "kolada_municipalities_raw": "core/peer_set",
        "kolada_kpi_metadata_raw": "staging/kolada_kpi",
        "kolada_values_raw": "staging/kolada_values",
        "scb_tables_raw": "staging/scb_values",
        "catalogue_dimensions": "core/dim_target",
    }.get(source_key, source_key)  # a file drop: its own asset
