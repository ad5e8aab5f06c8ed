"""landing_folder_sensor, evaluated with build_sensor_context on a temporary landing folder."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from dagster import DagsterInstance, DefaultSensorStatus, RunRequest, SkipReason, build_sensor_context

import assets.sensors as sensors
from assets.definitions import build_definitions
from assets.resources import PipelineResource
from assets.sensors import landing_folder_sensor
from indicator_pipeline.settings import Settings


class Folder:
    """A landing folder and the sensor's cursor, evaluated tick by tick like the daemon does."""

    def __init__(self, tmp_path: Path, instance: DagsterInstance, **settings):
        self.instance = instance
        self.landing = tmp_path / "landing"
        self.pipeline = PipelineResource(warehouse_path=str(tmp_path / "w.duckdb"), landing_dir=str(self.landing), **settings)
        self.cursor: str | None = None

    def tick(self):
        context = build_sensor_context(instance=self.instance, cursor=self.cursor, resources={"pipeline": self.pipeline})
        result = landing_folder_sensor(context)
        self.cursor = context.cursor
        return result

    def drop(self, name: str, text: str, age_seconds: float = 120) -> Path:
        self.landing.mkdir(exist_ok=True)
        path = self.landing / name
        path.write_text(text, encoding="utf-8")
        past = time.time() - age_seconds
        os.utime(path, (past, past))
        return path


@pytest.fixture(scope="module")
def instance():
    with DagsterInstance.ephemeral() as ephemeral:
        yield ephemeral


@pytest.fixture
def folder(tmp_path, instance) -> Folder:
    return Folder(tmp_path, instance)


def test_no_folder_and_empty_folder_are_skipped(folder):
    assert isinstance(folder.tick(), SkipReason)
    folder.landing.mkdir()
    assert isinstance(folder.tick(), SkipReason)


def test_new_file_requests_one_run_and_the_same_state_no_other(folder):
    folder.drop("sellable_land_2026-03-01.csv", "year;area;hectares\n2026;Vasatorp;3,5\n")

    first = folder.tick()
    assert isinstance(first, RunRequest)
    assert first.run_key and first.tags["trigger"] == "landing_folder"
    assert "sellable_land_2026-03-01.csv" in first.tags["landing_files"]

    assert isinstance(folder.tick(), SkipReason)  # same files, same bytes
    assert isinstance(folder.tick(), SkipReason)


def test_changed_file_requests_a_new_run_with_another_key(folder):
    path = folder.drop("sellable_land.csv", "year;area;hectares\n2026;Vasatorp;3,5\n")
    first = folder.tick()
    assert isinstance(first, RunRequest)

    folder.drop(path.name, "year;area;hectares\n2026;Vasatorp;4,0\n")  # same name, new content
    second = folder.tick()
    assert isinstance(second, RunRequest) and second.run_key != first.run_key

    folder.drop("self_build_plots.csv", "year;self_build_starts\n2026;12\n")  # a further file
    third = folder.tick()
    assert isinstance(third, RunRequest) and third.run_key not in {first.run_key, second.run_key}


def test_a_file_still_being_written_waits_for_the_next_tick(folder):
    folder.drop("sellable_land.csv", "year;area;hectares\n", age_seconds=0)
    waiting = folder.tick()
    assert isinstance(waiting, SkipReason) and "still being written" in waiting.skip_message
    assert folder.cursor is None  # not seen yet: the next tick decides
    folder.drop("sellable_land.csv", "year;area;hectares\n2026;Vasatorp;3,5\n", age_seconds=sensors.SETTLE_SECONDS + 5)
    assert isinstance(folder.tick(), RunRequest)


def test_replayed_snapshot_folder_is_not_watched(tmp_path, instance):
    pipeline = PipelineResource(warehouse_path=str(tmp_path / "w.duckdb"), source_mode="replay")
    result = landing_folder_sensor(build_sensor_context(instance=instance, resources={"pipeline": pipeline}))
    assert isinstance(result, SkipReason) and "read-only" in result.skip_message


def test_sensor_is_registered_for_the_full_refresh(tmp_path):
    defs = build_definitions(Settings(warehouse_path=tmp_path / "w.duckdb", source_mode="replay"))
    sensor = defs.resolve_sensor_def("landing_folder_sensor")
    assert sensor.job_name == "full_refresh"
    assert sensor.default_status == DefaultSensorStatus.RUNNING
    assert sensor.minimum_interval_seconds == sensors.INTERVAL_SECONDS
