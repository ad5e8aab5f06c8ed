"""The fast path before Dagster: decide "nothing changed" when replaying (docs/running.md).

When replaying, what every source would send is on disk. This walks the registry of sources
(indicator_pipeline/sources_registry.py) as the asset graph does, fetching and archiving through the
same clients, for the peer set the published warehouse holds (which is the set, as long as its
municipality list is unchanged), and compares by the same rule (indicator_pipeline/changes.py). Any
change, or a live or recording run, leaves the decision to the asset graph, source by source.
"""

from __future__ import annotations

import duckdb

from indicator_pipeline.changes import change_from, fingerprint, last_load, last_loading_run
from indicator_pipeline.errors import PipelineError
from indicator_pipeline.settings import Settings
from indicator_pipeline.sources_registry import SOURCES
from indicator_pipeline.steps.assessment import judged_the_same
from indicator_pipeline.steps.peers import stored_peer_sets


def nothing_changed(settings: Settings) -> str | None:
    """The summary of a no-op when replaying and nothing changed since the published run; None: run the asset graph."""
    published = settings.warehouse_path
    if not settings.skips_unchanged or settings.source_mode != "replay" or not published.exists():
        return None
    expected = fingerprint(settings.plans, settings.fetch_date())
    as_of = settings.as_of_date()
    with duckdb.connect(str(published), read_only=True) as con:
        try:
            for source in SOURCES:
                peer_sets = stored_peer_sets(con, settings.plans) if source.uses_peer_set else {}
                fetched = source.fetch(settings, peer_sets) if source.fetch else []
                if change_from(last_load(con, source.key), source.inputs(settings, fetched), expected) is not None:
                    return None
            if not all(judged_the_same(con, plan, as_of) for plan in settings.plans.plans):
                return None
            return (
                f"nothing changed: {len(SOURCES)} sources send the same payloads (sha256) as run {last_loading_run(con)} "
                f"loaded, and the targets judge the same as of {as_of.isoformat()}; nothing parsed, validated or loaded, "
                f"no vintage added, {published} not replaced"
            )
        except duckdb.CatalogException:
            return None  # published by a version without the load records
        except PipelineError:
            return None  # the asset graph fails on it with its own message
