"""The Dagster resource that hands library settings and the run's work warehouse to assets."""


from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import Callable, Iterator

import duckdb
from dagster import ConfigurableResource, DagsterRun, InitResourceContext
from pydantic import PrivateAttr

from indicator_pipeline.settings import Settings
from indicator_pipeline.warehouse.lock import publish_lock
from indicator_pipeline.warehouse.publish import prepare_work_file, publish, work_path

PUBLISH_LOCK_WAIT_SECONDS = 30.0


def logical_run_id(run: DagsterRun) -> str:
    """The refresh a run belongs to: a re-execution ("Re-execute from failure" in the UI) continues
    its root run, so it works in the root run's work file, with what the earlier attempts staged."""
    return run.root_run_id or run.run_id


class PipelineResource(ConfigurableResource):
    """Settings for one deployment as config the Dagster UI can show and change: the same names, as strings
    ("" is the library default); the Settings object is built once per resource, so the plan is read once."""

    warehouse_path: str
    source_mode: str = "live"
    snapshot_dir: str = ""
    archive_dir: str = ""
    plan_path: str = ""
    as_of: str = ""
    landing_dir: str = ""
    quarantine_dir: str = ""
    storage_version: str = ""
    peers: str = ""
    remove_plans: str = ""
    force_refresh: bool = False
    _published: duckdb.DuckDBPyConnection | None = PrivateAttr(default=None)
    _work: tuple[Path, duckdb.DuckDBPyConnection] | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: InitResourceContext) -> None:
        """Hold the published file open read-only while the run decides what changed: DuckDB shares an open
        file among a process's read-only connections, so each step reading it connects in microseconds."""
        published = self.settings.warehouse_path
        if published.exists():
            self._published = duckdb.connect(str(published), read_only=True)

    def teardown_after_execution(self, context: InitResourceContext) -> None:
        self._release_published()
        self._release_work()

    def _release_published(self) -> None:
        """Let go of the published file: once it is replaced, a reader in this process must open the new one."""
        if self._published is not None:
            self._published.close()
            self._published = None

    @classmethod
    def from_settings(cls, settings: Settings) -> "PipelineResource":
        values = settings.model_dump(mode="json", include=set(cls.model_fields))
        return cls(**{name: "" if value is None else value for name, value in values.items()})

    @cached_property
    def settings(self) -> Settings:
        return Settings(**{name: value for name, value in self.model_dump().items() if value != ""})

    @contextmanager
    def work_connection(self, run: DagsterRun) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-write connection to the logical run's private work file (never the serving file),
        shared by a run and its re-executions; a re-execution never starts a fresh one."""
        path = prepare_work_file(self.settings.warehouse_path, logical_run_id(run), create=run.parent_run_id is None)
        with self._work_database(path).cursor() as con:
            yield con

    @contextmanager
    def reading_connection(self, run: DagsterRun) -> Iterator[duckdb.DuckDBPyConnection | None]:
        """The warehouse as this run has it so far: the run's work file once a step of the run staged
        something, else the published file, read-only; None before the first refresh."""
        work = work_path(self.settings.warehouse_path, logical_run_id(run))
        if work.exists():
            database = self._work_database(work)
        elif self._published is not None:
            database = self._published
        elif self.settings.warehouse_path.exists():  # published by this run, after it let go of the old file
            database = self._published = duckdb.connect(str(self.settings.warehouse_path), read_only=True)
        else:
            yield None
            return
        with database.cursor() as con:
            yield con

    def _work_database(self, path: Path) -> duckdb.DuckDBPyConnection:
        """The work file, opened once a run and held until it publishes or ends: a step's connection is
        then a cursor (microseconds) instead of opening the file and checkpointing it on close (some 40 ms,
        70 times a refresh). Every connection to it in this process must come from here: DuckDB refuses a
        second one with another configuration (read-only) while this one is open."""
        if self._work is None or self._work[0] != path:
            self._release_work()
            self._work = (path, duckdb.connect(str(path)))
        return self._work[1]

    def _release_work(self) -> None:
        """Close the work file (a checkpoint: everything staged is in the file itself, not its WAL)."""
        if self._work is not None:
            self._work[1].close()
            self._work = None

    def publish_run(self, run: DagsterRun, log: Callable[[str], None] | None = None) -> Path:
        """Publish the logical run's work file under the refresh lock: already held by this process for a
        CLI run, else taken here, waiting briefly for another run's publish to finish."""
        serving = self.settings.warehouse_path
        self._release_published()
        self._release_work()
        with publish_lock(serving, run.run_id, log=log, wait=PUBLISH_LOCK_WAIT_SECONDS):
            publish(prepare_work_file(serving, logical_run_id(run), create=False), serving, self.settings.storage_version)
        return serving
