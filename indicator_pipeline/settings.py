"""Where things are and how sources are reached: one object, from CLI flags or the environment.

Each field's `validation_alias` is the environment variable it is read from; the flags, variables and
defaults are tabled in docs/running.md (INDICATOR_STORAGE_VERSION: docs/bi-access.md).

Read elsewhere, on purpose: the HTTP limits (INDICATOR_HTTP_*, sources/modes.py) and base URLs
(KOLADA_BASE_URL, SCB_BASE_URL) where a client is built, so a client takes plain values and imports
nothing of this module; INDICATOR_ALERT_WEBHOOK when an alert is sent (a secret, kept out of the run
config the Dagster UI shows); INDICATOR_SOURCE_RETRIES* where the source assets' retry policy is made.
"""

from __future__ import annotations

import os
from datetime import date, datetime, time, timedelta
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from indicator_pipeline.archive import RawArchive
from indicator_pipeline.errors import PipelineError
from indicator_pipeline.catalog import Plan
from indicator_pipeline.catalog.load import load_plans
from indicator_pipeline.catalog.plan_set import PlanSet
from indicator_pipeline.catalog.peers import PeerSpec, parse_peer_text
from indicator_pipeline.sources.modes import SOURCE_MODES, make_transport
from indicator_pipeline.warehouse.publish import DEFAULT_STORAGE_VERSION

if TYPE_CHECKING:
    from indicator_pipeline.sources.transport import Transport

DEFAULT_WAREHOUSE = Path(__file__).resolve().parents[1] / "warehouse" / "indicators.duckdb"
PLAN_TIME_ZONE = ZoneInfo("Europe/Stockholm")


def bundled_snapshot_dir() -> Path:
    """The snapshot bundled with the package: the recorded answers of every bundled plan, alone or together."""
    return Path(str(resources.files("indicator_pipeline") / "snapshots" / "bundled"))


class Settings(BaseModel):
    """One run's settings (code passes fields by name); the plan file is read and validated once, on first use."""

    model_config = ConfigDict(frozen=True, validate_by_name=True, validate_by_alias=True)

    warehouse_path: Path = Field(DEFAULT_WAREHOUSE, validation_alias="INDICATOR_WAREHOUSE")
    source_mode: Literal[SOURCE_MODES] = Field("live", validation_alias="INDICATOR_SOURCE_MODE")
    snapshot_dir: Path | None = Field(None, validation_alias="INDICATOR_SNAPSHOT_DIR")
    archive_dir: Path | None = Field(None, validation_alias="INDICATOR_ARCHIVE")
    plan_path: Path | None = Field(None, validation_alias="INDICATOR_PLAN")
    as_of: date | None = Field(None, validation_alias="INDICATOR_AS_OF")
    landing_dir: Path | None = Field(None, validation_alias="INDICATOR_LANDING_DIR")
    quarantine_dir: Path | None = Field(None, validation_alias="INDICATOR_QUARANTINE_DIR")
    storage_version: str = Field(DEFAULT_STORAGE_VERSION, validation_alias="INDICATOR_STORAGE_VERSION")
    peers: str | None = Field(None, validation_alias="INDICATOR_PEERS")  # overrides the plan's [peers]
    remove_plans: str | None = None  # plan ids to remove from the warehouse, comma-separated (refresh --remove-plan)
    force_refresh: bool = False  # process every source even if it sends what was loaded before (refresh --force)

    @model_validator(mode="after")
    def _usable(self) -> Settings:
        if self.peers is not None:
            parse_peer_text(self.peers, self.peers_where())  # a malformed override fails before anything runs
        if self.source_mode == "record" and self.snapshot_dir is None:
            raise ValueError("source mode 'record' needs a snapshot directory to write into")
        return self

    @classmethod
    def from_env(cls, **overrides) -> Settings:
        """The environment's values (an empty variable counts as unset), then the `overrides` that are not None."""
        env = {name: os.environ[f.validation_alias] for name, f in cls.model_fields.items() if os.environ.get(f.validation_alias or "")}
        try:
            return cls(**env | {name: value for name, value in overrides.items() if value is not None})
        except ValidationError as exc:  # one line naming the variable (or the flag's setting) and its value
            error = exc.errors(include_url=False)[0]
            field = error["loc"][0] if error["loc"] else None
            named = f"{cls.model_fields[field].validation_alias if field in env else field} {error['input']!r}: " if field else ""
            raise ValueError(f"{named}{error['msg'].removeprefix('Value error, ')}") from None

    @property
    def effective_snapshot_dir(self) -> Path | None:
        if self.snapshot_dir is None and self.source_mode == "replay":
            return bundled_snapshot_dir()
        return self.snapshot_dir

    @property
    def replayed_snapshot_dir(self) -> Path | None:
        """The snapshot a replay answers from, whose declared provenance its figures carry; None otherwise
        (live and recorded figures are the source's own)."""
        return self.effective_snapshot_dir if self.source_mode == "replay" else None

    @property
    def effective_landing_dir(self) -> Path:
        """Given explicitly; else, when replaying, the snapshot's `filedrop/`; else `landing/` beside the warehouse."""
        if self.landing_dir is None and self.source_mode == "replay":
            return self.effective_snapshot_dir / "filedrop"
        return self.landing_dir or self.warehouse_path.parent / "landing"

    @property
    def landing_read_only(self) -> bool:
        """True for a replayed snapshot's own `filedrop/`: never modified; a bad file there fails the run.
        A landing folder given explicitly (flag or environment) is always writable, in every mode."""
        return self.landing_dir is None and self.source_mode == "replay"

    @property
    def effective_quarantine_dir(self) -> Path:
        return self.quarantine_dir or self.effective_landing_dir.parent / "quarantine"

    @property
    def skips_unchanged(self) -> bool:
        """Whether a source sending what its data was loaded from is skipped (indicator_pipeline/changes.py):
        not when forced, nor when recording (a recording must get every file drop copied into it)."""
        return not self.force_refresh and self.source_mode != "record"

    @cached_property
    def plans(self) -> PlanSet:
        """The plans the run judges (`plan_path`: files, bundled names or folders, comma-separated)."""
        return load_plans(self.plan_path)

    @property
    def removed_plans(self) -> tuple[str, ...]:
        return tuple(filter(None, (part.strip() for part in (self.remove_plans or "").split(","))))

    @property
    def plan(self) -> Plan:
        """The run's one plan; a run of several plans has none."""
        if len(self.plans.plans) != 1:
            raise PipelineError(f"this needs one plan, and the run has {len(self.plans.plans)}: {', '.join(self.plans.ids)}")
        return self.plans.plans[0]

    def peers_where(self, plan: Plan | None = None) -> str:
        """Where the peer set (of `plan`) is asked for, for error messages: the override, else the plan file."""
        if self.peers is not None or plan is None:
            return f"peers {self.peers!r} (--peers or INDICATOR_PEERS)"
        return f"plan file {plan.source_path} [peers]"

    def peer_spec(self, plan: Plan) -> PeerSpec:
        """The override (`--peers`, INDICATOR_PEERS) if given, else the plan's `[peers]`."""
        return parse_peer_text(self.peers, self.peers_where(plan)) if self.peers is not None else plan.peers

    def transport(self) -> Transport:
        return make_transport(self.source_mode, self.effective_snapshot_dir)

    def archive(self) -> RawArchive:
        return RawArchive(self.archive_dir or self.warehouse_path.parent / "archive")

    def as_of_date(self) -> date:
        """The date assessments are made as of: pinned; else, when replaying, the recording date; else today."""
        return self.as_of or self.fetch_date()

    def fetch_date(self) -> date:
        """The date the sources answer for: when replaying, the day the recording was made; else today.
        Unlike the as-of date it never moves the fetch window, so a recording replays with any --as-of."""
        from indicator_pipeline.sources.transport import SnapshotDir  # imports the HTTP stack: not at module level

        snapshot = self.effective_snapshot_dir
        recorded_on = SnapshotDir(snapshot).recorded_on() if self.source_mode == "replay" and snapshot else None
        return recorded_on or date.today()

    def last_fetch_year(self) -> int:
        """Yearly series are fetched up to the last year that is over on the fetch date."""
        return self.fetch_date().year - 1


def end_of_day(day: date) -> datetime:
    """The first instant after `day` in Sweden (the plans' municipalities keep Swedish time)."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=PLAN_TIME_ZONE)
