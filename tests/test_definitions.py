"""A snapshot of the Dagster code location: asset keys, their ownership metadata, lineage, schedule and executor.

A renamed or dropped asset must fail here. Whoever adds an asset adds its key to ASSET_KEYS (a table or
view of the warehouse is one: <schema>/<name>).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from dagster import AssetKey, DefaultScheduleStatus, DefaultSensorStatus, Definitions, in_process_executor

import assets.definitions as definitions_module
from assets.definitions import build_definitions
from indicator_pipeline.settings import Settings
from indicator_pipeline.warehouse.models import models

ASSET_KEYS = sorted(
    [
        # Kolada: fetched and archived, then staged
        "kolada_kpi_metadata_raw",
        "kolada_values_raw",
        "staging/kolada_kpi",
        "staging/kolada_values",
        "staging/kolada_coverage",  # what each Kolada request asked for
        # The peer set: Kolada's municipality list (and group), staged with core.peer_set
        "kolada_municipalities_raw",
        "staging/kolada_municipality",
        "core/peer_set",
        # SCB (housing starts)
        "scb_tables_raw",
        "staging/scb_values",
        # The city's file drops: the landing folder's file, and its staging table
        *(f"{prefix}filedrop_{kind}" for prefix in ("", "staging/")
          for kind in ("financial_statements", "safety_survey", "self_build_plots", "sellable_land")),
        # The plan's catalogue, the vintages, the assessments (Python steps)
        "core/dim_plan",
        "core/dim_goal",
        "core/dim_target",
        "core/dim_indicator",
        "core/goal_context_indicator",
        "core/index_component",
        "core/plan_source",  # the sources each plan reads and their rhythms
        "core/declared_provenance",  # what a replayed snapshot declares about its figures (docs/provenance.md)
        "core/indicator_value_vintage",
        "core/target_assessment",
        "core/target_year_status",
        "core/target_assessment_history",
        "core/target_assessment_method",  # every target judged by every progress method
        # The views of sql/models/ (one step, sql_models)
        *(f"staging/{name}" for name in (
            "kolada_observation", "scb_period", "scb_observation", "filedrop_current_file", "filedrop_cell",
            "filedrop_observation", "source_observation", "formula_observation", "index_component_value",
            "index_observation", "observation", "observation_coverage",
        )),
        "core/latest_vintage",
        "core/fact_indicator_value",
        "core/target_peer_context",  # each target against the peers (goal_status shows it)
        "marts/goal_status",
        "marts/goal_status_display",  # goal_status rounded and in Swedish text
        "marts/goal_status_history",  # what every published refresh reported
        "marts/goal_status_methods",  # every target by every progress method, side by side
        "marts/goal_tree",  # every target under the parent plan's goal it serves (the city's directions)
        "marts/indicator_vs_target",
        "marts/reconciliation",  # the city's finance measures beside Kolada's published ratios
        "marts/index_inputs",  # the inputs of every computed index value (the safety index)
        "marts/peer_comparison",  # the plan's figures beside its peers', ranked
        "published_warehouse",
        "scorecard_report",  # report/scorecard.html, written from the published file
    ]
)


@pytest.fixture(scope="module")
def defs(tmp_path_factory) -> Definitions:
    warehouse = tmp_path_factory.mktemp("defs") / "indicators.duckdb"
    return build_definitions(Settings(warehouse_path=warehouse, source_mode="replay"))


@pytest.fixture(scope="module")
def specs(defs):
    return {spec.key: spec for spec in defs.resolve_all_asset_specs()}


def test_definitions_load(defs):
    Definitions.validate_loadable(defs)
    # workspace.yaml loads `assets.definitions:defs`.
    assert isinstance(definitions_module.defs, Definitions)


def test_exact_asset_keys(defs):
    keys = sorted(key.to_user_string() for key in defs.resolve_asset_graph().get_all_asset_keys())
    assert keys == ASSET_KEYS


def test_every_asset_has_group_description_owner_and_kinds(specs):
    assert specs
    for key, spec in specs.items():
        name = key.to_user_string()
        assert spec.group_name and spec.group_name != "default", name
        assert spec.description and spec.description.strip(), name
        assert spec.owners, name
        assert all(o.startswith("team:") or "@" in o for o in spec.owners), (name, spec.owners)
        assert spec.kinds, name


def test_ownership_agrees_with_the_assets_definitions(defs):
    graph = defs.resolve_asset_graph()
    for assets_def in graph.assets_defs:
        for key in assets_def.keys:
            name = key.to_user_string()
            assert assets_def.owners_by_key.get(key), name
            assert assets_def.group_names_by_key.get(key) not in (None, "default"), name
            assert assets_def.descriptions_by_key.get(key), name
            assert graph.get(key).kinds, name


def test_everything_feeds_the_published_warehouse(defs):
    graph = defs.resolve_asset_graph()
    publish = AssetKey("published_warehouse")
    ancestors = graph.get_ancestor_asset_keys(publish)
    assert {k.to_user_string() for k in ancestors} == set(ASSET_KEYS) - {"published_warehouse", "scorecard_report"}
    # After it only the report, which reads the published file
    assert graph.get(publish).child_keys == {AssetKey("scorecard_report")}
    assert not graph.get(AssetKey("scorecard_report")).child_keys


def test_every_table_and_view_is_an_asset_downstream_of_what_it_reads(defs):
    graph = defs.resolve_asset_graph()
    parents = lambda key: {k.to_user_string() for k in graph.get(AssetKey.from_user_string(key)).parent_keys}  # noqa: E731
    assert parents("staging/observation") == {"staging/source_observation", "staging/formula_observation", "staging/index_observation"}
    assert parents("core/indicator_value_vintage") == {"staging/observation", "staging/observation_coverage"}
    assert parents("core/fact_indicator_value") == {"core/indicator_value_vintage", "core/dim_indicator"}  # through its macro
    assert parents("marts/goal_status_display") == {"marts/goal_status"}
    views = {model.key.replace(".", "/") for model in models().values()}
    # publishing waits for every view, each mart among them, and the one table no view reads
    assert parents("published_warehouse") == views | {"core/plan_source"}
    assert {k for k in ASSET_KEYS if k.startswith("marts/")} <= views
    assert graph.get(AssetKey(["marts", "goal_status"])).group_name == "marts"


def test_nightly_schedule(defs):
    schedule = defs.resolve_schedule_def("nightly_full_refresh")
    assert schedule.cron_schedule == "0 3 * * *"
    assert schedule.execution_timezone == "Europe/Stockholm"
    assert schedule.job_name == "full_refresh"
    assert schedule.default_status == DefaultScheduleStatus.RUNNING  # fires with no click once a daemon runs
    job = defs.resolve_job_def("full_refresh")
    assert {k.to_user_string() for k in job.asset_layer.executable_asset_keys} == set(ASSET_KEYS)


def test_executor_is_in_process(defs):
    assert defs.executor is in_process_executor
    assert defs.resolve_job_def("full_refresh").executor_def.name == "in_process"
    assert defs.resolve_implicit_global_asset_job_def().executor_def.name == "in_process"


def test_resource_carries_the_settings(defs, tmp_path):
    pipeline = defs.resources["pipeline"]
    settings = pipeline.settings
    assert settings.source_mode == "replay"
    assert settings.warehouse_path.name == "indicators.duckdb"
    assert Path(pipeline.warehouse_path) == settings.warehouse_path


def test_sensor_runs_by_default(defs):
    sensor = defs.resolve_sensor_def("landing_folder_sensor")
    assert sensor.default_status == DefaultSensorStatus.RUNNING
    assert sensor.job_name == "full_refresh"


def test_every_refresh_run_carries_the_queue_tag(defs):
    """The run queue in dagster.yaml limits runs with this tag to one at a time; a run of the job
    from the schedule, the sensor, the UI or a backfill carries the job's tags."""
    key, value = definitions_module.REFRESH_TAG
    assert defs.resolve_job_def("full_refresh").tags.get(key) == value
