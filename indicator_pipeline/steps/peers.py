"""The peer set: fetch Kolada's municipality list (and the peer group), resolve and stage the set.
It is resolved once, when staged (core.peer_set); Kolada's and SCB's fetches read it back from there
(`stored_peer_set`), so every source is asked for the same municipalities and a replay uses the recorded set.
"""

from __future__ import annotations

import hashlib
from typing import Iterable, Mapping, Sequence

import duckdb
import polars as pl

from indicator_pipeline.archive import RawArchive
from indicator_pipeline.catalog import Plan
from indicator_pipeline.catalog.plan_set import PlanSet
from indicator_pipeline.catalog.peers import Municipality, PeerSet, PeerSpec, resolve
from indicator_pipeline.changes import Input, payload_inputs
from indicator_pipeline.errors import PipelineError
from indicator_pipeline.payloads import ArchivedPayload, archive_fetched, register_payloads, restore
from indicator_pipeline.sources import kolada
from indicator_pipeline.sources.transport import Transport
from indicator_pipeline.warehouse.sql import run_script, sql_text

MUNICIPALITY_DATASET = "kolada_municipality"
GROUP_DATASET = "kolada_municipality_group"


def fetch(specs: Iterable[PeerSpec], transport: Transport, archive: RawArchive) -> list[ArchivedPayload]:
    """Kolada's municipality list, and each group's members where the peers are a group; archived."""
    client = kolada.KoladaClient(transport)
    refs = archive_fetched(client.fetch_municipalities(), archive, MUNICIPALITY_DATASET, kolada.LICENCE)
    for group_id in sorted({spec.group_id for spec in specs if spec.kind == "group" and spec.group_id}):
        refs += archive_fetched(client.fetch_municipality_group(group_id), archive, GROUP_DATASET, kolada.LICENCE)
    return refs


def peer_inputs(specs: Mapping[str, PeerSpec], refs: Sequence[ArchivedPayload]) -> frozenset:
    """What the peer sets are made from, for "did it change": Kolada's answers and what each plan asked
    for (the same list answers a different `--peers` with a different set)."""
    asked = "; ".join(f"{plan_id}: {spec.describe()}" for plan_id, spec in sorted(specs.items()))
    return payload_inputs(refs) | {Input("peers_requested", asked, hashlib.sha256(asked.encode()).hexdigest())}


def peer_set(plan: Plan, spec: PeerSpec, refs: Sequence[ArchivedPayload], archive: RawArchive, where: str) -> PeerSet:
    """The set `spec` asks for, checked against the archived municipality list (and group)."""
    listed = kolada.parse_municipalities(_pages(refs, MUNICIPALITY_DATASET, archive))
    municipalities = {code: Municipality(code, name, kind) for code, name, kind, _ in listed.iter_rows()}
    members = kolada.parse_group_members(_pages(refs, GROUP_DATASET, archive), spec.group_id) if spec.kind == "group" else None
    return resolve(spec, plan.municipality_code, municipalities, members, where)


def stored_peer_set(con: duckdb.DuckDBPyConnection, plan: Plan) -> PeerSet:
    """The set staged for `plan` in `con` (core.peer_set), as the fetches ask for it."""
    roles = con.execute(sql_text("load/stored_peer_set.sql"), {"plan_id": plan.id}).fetchall()
    own = [code for code, role in roles if role == "own"]
    if own != [plan.municipality_code]:
        raise PipelineError(f"core.peer_set holds no peer set for plan {plan.id} (municipality {plan.municipality_code}); stage it first")
    return PeerSet(
        own=own[0],
        peers=tuple(code for code, role in roles if role == "peer"),
        references=tuple(code for code, role in roles if role == "reference"),
    )


def stored_peer_sets(con: duckdb.DuckDBPyConnection, plans: PlanSet | Plan) -> dict[str, PeerSet]:
    return {plan.id: stored_peer_set(con, plan) for plan in plans.plans}


def stage(
    con: duckdb.DuckDBPyConnection, asked: Sequence[tuple[Plan, PeerSpec, str]], refs: Sequence[ArchivedPayload], archive: RawArchive
) -> dict[str, PeerSet]:
    """staging.kolada_municipality (the list as sent) and core.peer_set (each plan's set, named), from
    each plan's spec and where it is asked for; the sets of plans not in the run stay as they were."""
    sets = {plan.id: peer_set(plan, spec, refs, archive, where) for plan, spec, where in asked}
    municipalities = kolada.parse_municipalities(_pages(refs, MUNICIPALITY_DATASET, archive))
    requested = pl.DataFrame(
        [
            {"plan_id": plan.id, "municipality_code": code, "role": sets[plan.id].role(code), "requested_as": spec.describe()}
            for plan, spec, _ in asked
            for code in sets[plan.id].requested
        ],
        schema={"plan_id": pl.Utf8, "municipality_code": pl.Utf8, "role": pl.Utf8, "requested_as": pl.Utf8},
    )
    register_payloads(con, refs)
    run_script(con, "load/replace_peer_set.sql", {"incoming_municipalities": municipalities, "incoming_peer_set": requested})
    return sets


def _pages(refs: Sequence[ArchivedPayload], dataset: str, archive: RawArchive):
    return [restore(ref, archive) for ref in refs if ref.dataset == dataset]
