"""Every source the warehouse is loaded from: the asset that fetches it, how, and what its data is
loaded from (the inputs that "did it change?" compares: indicator_pipeline/changes.py).

The fetch assets (assets/sources.py), the staging steps' "did it change" (assets/changes.py) and the
fast path before Dagster (indicator_pipeline/noop.py) all walk this registry in this order; a test
checks the asset graph's `sources` group against it. A source marked `uses_peer_set` is fetched for the
peer set staged from `kolada_municipalities_raw` (core.peer_set), which therefore comes first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

from indicator_pipeline.changes import PLAN_KEY, Input, payload_inputs, plan_inputs
from indicator_pipeline.catalog.peers import PeerSet, PeerSpec
from indicator_pipeline.filedrop import KINDS
from indicator_pipeline.payloads import ArchivedPayload
from indicator_pipeline.settings import Settings
from indicator_pipeline.steps import filedrop, kolada, peers, scb

# (settings, each plan's peer set by plan id) -> the archived payloads
Fetch = Callable[[Settings, Mapping[str, PeerSet]], list[ArchivedPayload]]
# (settings, what was fetched) -> what the source's data is loaded from
Inputs = Callable[[Settings, Sequence[ArchivedPayload]], frozenset[Input]]


@dataclass(frozen=True)
class Source:
    key: str  # the asset that fetches (or reads) it, and its key in meta.source_load
    system: str  # who sends it: kolada, scb, filedrop or plan
    inputs: Inputs
    fetch: Fetch | None = None  # None: its inputs are on disk already (landing files, the plan file)
    uses_peer_set: bool = False


def _payloads(settings: Settings, fetched: Sequence[ArchivedPayload]) -> frozenset[Input]:
    return payload_inputs(fetched)


def _peer_specs(settings: Settings) -> dict[str, PeerSpec]:
    return {plan.id: settings.peer_spec(plan) for plan in settings.plans.plans}


def _landing_files(kind: str) -> Inputs:
    return lambda settings, _: filedrop.kind_inputs(kind, settings.effective_landing_dir)


SOURCES: tuple[Source, ...] = (
    Source(
        "kolada_municipalities_raw", "kolada",
        inputs=lambda settings, fetched: peers.peer_inputs(_peer_specs(settings), fetched),
        fetch=lambda settings, _: peers.fetch(_peer_specs(settings).values(), settings.transport(), settings.archive()),
    ),
    Source(
        "kolada_kpi_metadata_raw", "kolada", _payloads,
        fetch=lambda settings, _: kolada.fetch_metadata(settings.plans, settings.transport(), settings.archive()),
    ),
    Source(
        "kolada_values_raw", "kolada", _payloads, uses_peer_set=True,
        fetch=lambda settings, peer_sets: kolada.fetch_values(
            settings.plans, settings.transport(), settings.archive(), settings.last_fetch_year(), peer_sets
        ),
    ),
    Source(
        "scb_tables_raw", "scb", _payloads, uses_peer_set=True,
        fetch=lambda settings, peer_sets: scb.fetch(settings.plans, settings.transport(), settings.archive(), peer_sets),
    ),
    *(Source(f"filedrop_{kind}", "filedrop", _landing_files(kind)) for kind in KINDS),
    Source(PLAN_KEY, "plan", lambda settings, _: plan_inputs(settings.plans, settings.removed_plans)),
)

SOURCE = {source.key: source for source in SOURCES}
