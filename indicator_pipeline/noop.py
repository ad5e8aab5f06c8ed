"""Decide "nothing changed" before a refresh starts Dagster, from payload hashes alone.

When replaying a recording, what every source would send is on disk: the recorded answers (read
through the same clients and archived as a run archives them) and the landing folder's files. If
each source's inputs are exactly what the published warehouse's data was loaded from
(`meta.source_load`/`meta.source_input`, under the same fingerprint: indicator_pipeline/changes.py)
and judging the targets as of the run's date gives the published statuses, the refresh is a no-op:
nothing is parsed, validated or loaded, no vintage is added, and the published file, its exports
and the report are left as they are. Otherwise the full asset graph runs (and skips, source by
source, what did not change).

Live and record mode always run the asset graph: knowing whether a live source changed takes the
fetch itself (neither Kolada nor SCB is documented to answer conditional requests), and the asset
graph compares the fetched bytes the same way.

`current_inputs` names every source by the asset that fetches it; a test checks the names against
the assets of the `sources` group, so a new source cannot be missed here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from indicator_pipeline.changes import (
    PLAN_KEY,
    Input,
    fingerprint,
    last_loading_run,
    payload_inputs,
    plan_inputs,
    unchanged_since,
)
from indicator_pipeline.errors import PipelineError
from indicator_pipeline.filedrop import KINDS
from indicator_pipeline.settings import Settings
from indicator_pipeline.steps import filedrop, kolada, peers, scb
from indicator_pipeline.steps.assessment import judged_the_same


@dataclass(frozen=True)
class NoChange:
    """A refresh that found nothing new."""

    published_run: str | None  # the run whose published data stands
    sources: int
    as_of: date

    def summary(self, settings: Settings) -> str:
        return (
            f"nothing changed: {self.sources} sources send the same payloads (sha256) as run {self.published_run} loaded, "
            f"and the targets judge the same as of {self.as_of.isoformat()}; nothing parsed, validated or loaded, "
            f"no vintage added, {settings.warehouse_path} not replaced"
        )


def current_inputs(settings: Settings) -> dict[str, frozenset[Input]]:
    """What every source sends now, keyed like `meta.source_load` (by the asset that fetches it)."""
    plan, transport, archive = settings.plan, settings.transport(), settings.archive()
    municipality_refs = peers.fetch(settings.peer_spec, transport, archive)
    requested = peers.peer_set(plan, settings.peer_spec, municipality_refs, archive, settings.peers_where).requested
    inputs = {
        PLAN_KEY: plan_inputs(plan),
        "kolada_municipalities_raw": peers.peer_inputs(settings.peer_spec, municipality_refs),
        "kolada_kpi_metadata_raw": payload_inputs(kolada.fetch_metadata(plan, transport, archive)),
        "kolada_values_raw": payload_inputs(kolada.fetch_values(plan, transport, archive, settings.last_fetch_year(), requested)),
        "scb_tables_raw": payload_inputs(scb.fetch(plan, transport, archive, requested)),
    }
    landing = settings.effective_landing_dir
    inputs.update({f"filedrop_{kind}": filedrop.kind_inputs(kind, landing) for kind in KINDS})
    return inputs


def nothing_changed(settings: Settings) -> NoChange | None:
    """A `NoChange` when replaying and nothing changed since the published run; None: run the asset graph."""
    published = settings.warehouse_path
    if not settings.skips_unchanged or settings.source_mode != "replay" or not published.exists():
        return None
    try:
        current = current_inputs(settings)
    except PipelineError:
        return None  # the asset graph fails on it with its own message
    expected = fingerprint(settings.plan, settings.fetch_date())
    as_of = settings.as_of_date()
    with duckdb.connect(str(published), read_only=True) as con:
        try:
            if any(unchanged_since(con, key, inputs, expected) is None for key, inputs in current.items()):
                return None
            if not judged_the_same(con, settings.plan, as_of):
                return None
            return NoChange(last_loading_run(con), len(current), as_of)
        except duckdb.CatalogException:
            return None  # published by a version without the load records
