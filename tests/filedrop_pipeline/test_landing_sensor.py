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
        # a context manager: the resource has a setup and a teardown
        with build_sensor_context(instance=self.instance, cursor=self.cursor, resources={"pipeline": self.pipeline}) as context:
            result = landing_folder_sensor(context)
            self.cursor = context.cursor
        return result

    def settled_tick(self):
        """The tick that sees a new or changed file only notes its size and time; the next one decides."""
        waiting = self.tick()
        assert isinstance(waiting, SkipReason) and "new or still changing" in waiting.skip_message, waiting
        return self.tick()

    def drop(self, name: str, text: str, age_seconds: float = 120) -> Path:
        self.landing.mkdir(exist_ok=True)
        path = self.landing / name
        path.write_text(text, encoding="utf-8")
        past = time.time() - age_seconds
        os.utime(path, (past, past))
        return path


def skipped(result) -> str:
    """The message of a tick that requested no run."""
    assert isinstance(result, SkipReason), result
    return result.skip_message


@pytest.fixture(scope="module")
def instance():
    with DagsterInstance.ephemeral() as ephemeral:
        yield ephemeral


@pytest.fixture
def folder(tmp_path, instance) -> Folder:
    return Folder(tmp_path, instance)


def test_no_folder_and_empty_folder_are_skipped(folder):
    assert skipped(folder.tick()) == f"landing folder {folder.landing} does not exist"
    folder.landing.mkdir()
    assert skipped(folder.tick()) == f"landing folder {folder.landing} is empty"
    assert skipped(folder.tick()) == "landing folder unchanged (0 files)"


def test_new_file_requests_one_run_and_the_same_state_no_other(folder):
    folder.drop("sellable_land_2026-03-01.csv", "year;area;hectares\n2026;Vasatorp;3,5\n")

    first = folder.settled_tick()
    assert isinstance(first, RunRequest)
    assert first.run_key and first.tags["trigger"] == "landing_folder"
    assert "sellable_land_2026-03-01.csv" in first.tags["landing_files"]

    assert skipped(folder.tick()) == "landing folder unchanged (1 files)"  # same files, same bytes
    assert skipped(folder.tick()) == "landing folder unchanged (1 files)"


def test_changed_file_requests_a_new_run_with_another_key(folder):
    path = folder.drop("sellable_land.csv", "year;area;hectares\n2026;Vasatorp;3,5\n")
    first = folder.settled_tick()
    assert isinstance(first, RunRequest)

    folder.drop(path.name, "year;area;hectares\n2026;Vasatorp;4,0\n", age_seconds=60)  # same name, new content
    second = folder.settled_tick()
    assert isinstance(second, RunRequest) and second.run_key != first.run_key

    folder.drop("self_build_plots.csv", "year;self_build_starts\n2026;12\n")  # a further file
    third = folder.settled_tick()
    assert isinstance(third, RunRequest) and third.run_key not in {first.run_key, second.run_key}


def test_a_file_still_being_written_waits_until_size_and_time_hold_for_a_tick(folder):
    """A copy that keeps the original's (old) modification time is still waited for while it grows."""
    path = folder.drop("sellable_land.csv", "year;area;hectares\n", age_seconds=86_400)
    for more in ["2026;Vasatorp;3,5\n", "2026;Ödåkra;1,0\n"]:
        waiting = folder.tick()
        assert isinstance(waiting, SkipReason) and "sellable_land.csv" in waiting.skip_message, waiting
        stamp = path.stat().st_mtime
        with open(path, "a", encoding="utf-8") as out:
            out.write(more)
        os.utime(path, (stamp, stamp))  # grown, with the same old time
    assert isinstance(folder.tick(), SkipReason)  # saw it grow: one more tick
    assert isinstance(folder.tick(), RunRequest)


def test_entries_that_are_not_regular_files_are_never_opened_or_run_for(folder):
    """A named pipe would block whoever opens it, and a symbolic link is not the city's file."""
    folder.drop("sellable_land.csv", "year;area;hectares\n2026;Vasatorp;3,5\n")
    os.mkfifo(folder.landing / "sellable_land_pipe.csv")
    (folder.landing / "sellable_land_link.csv").symlink_to(folder.landing / "sellable_land.csv")
    run = folder.settled_tick()
    assert isinstance(run, RunRequest) and run.tags["landing_files"] == "sellable_land.csv"
    assert skipped(folder.tick()) == "landing folder unchanged (1 files)"  # the pipe and the link are not counted


def test_a_cursor_from_before_files_were_observed_still_names_the_last_run(folder):
    folder.drop("sellable_land.csv", "year;area;hectares\n2026;Vasatorp;3,5\n")
    run = folder.settled_tick()
    folder.cursor = run.run_key  # the old cursor: the bare state key
    assert isinstance(folder.settled_tick(), SkipReason)  # same state: no second run


def test_replayed_snapshot_folder_is_not_watched(tmp_path, instance):
    pipeline = PipelineResource(warehouse_path=str(tmp_path / "w.duckdb"), source_mode="replay")
    with build_sensor_context(instance=instance, resources={"pipeline": pipeline}) as context:
        result = landing_folder_sensor(context)
    assert isinstance(result, SkipReason) and "read-only" in result.skip_message


def test_sensor_is_registered_for_the_full_refresh(tmp_path):
    defs = build_definitions(Settings(warehouse_path=tmp_path / "w.duckdb", source_mode="replay"))
    sensor = defs.resolve_sensor_def("landing_folder_sensor")
    assert sensor.job_name == "full_refresh"
    assert sensor.default_status == DefaultSensorStatus.RUNNING
    assert sensor.minimum_interval_seconds == sensors.INTERVAL_SECONDS
