"""The fast path before Dagster: decide "nothing changed" when replaying, from the registry of sources.

When replaying a recording, what every source would send is on disk. This walks the registry
(indicator_pipeline/sources_registry.py) as the asset graph does, source by source in its order:
fetched through the same clients and archived as a run archives them, compared with the published
warehouse's load records by the same rule (indicator_pipeline/changes.py), and fetched for the peer
set the published warehouse holds (which is the set, as long as its municipality list is unchanged).
If no source changed and judging the targets as of the run's date gives the published statuses, the
refresh is a no-op: nothing is parsed, validated or loaded, no vintage is added, and the published
file, its exports and the report are left as they are. Otherwise the asset graph runs, and decides
again, source by source.

Live and record mode always run the asset graph: knowing whether a live source changed takes the
fetch itself (neither Kolada nor SCB is documented to answer conditional requests).
"""

from __future__ import annotations

import duckdb

from indicator_pipeline.changes import fingerprint, last_loading_run, unchanged_since
from indicator_pipeline.errors import PipelineError
from indicator_pipeline.settings import Settings
from indicator_pipeline.sources_registry import SOURCES
from indicator_pipeline.steps.assessment import judged_the_same
from indicator_pipeline.steps.peers import stored_peer_set


def nothing_changed(settings: Settings) -> str | None:
    """The summary of a no-op when replaying and nothing changed since the published run; None: run the asset graph."""
    published = settings.warehouse_path
    if not settings.skips_unchanged or settings.source_mode != "replay" or not published.exists():
        return None
    expected = fingerprint(settings.plan, settings.fetch_date())
    as_of = settings.as_of_date()
    with duckdb.connect(str(published), read_only=True) as con:
        try:
            for source in SOURCES:
                municipalities = stored_peer_set(con, settings.plan).requested if source.uses_peer_set else ()
                fetched = source.fetch(settings, municipalities) if source.fetch else []
                if unchanged_since(con, source.key, source.inputs(settings, fetched), expected) is None:
                    return None
            if not judged_the_same(con, settings.plan, as_of):
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
