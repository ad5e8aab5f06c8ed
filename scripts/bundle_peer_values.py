"""Write a bundled plan's peer answers into its bundled snapshot: Kolada's municipality list (the default
snapshot's real recording) and the Kolada data request and SCB data query for the plan's peers (for
Helsingborg Kolada group G37394) and reference rows (Riket and the county).

The values are illustrative (PROVENANCE.md): each peer figure is Helsingborg's bundled figure for the
same KPI (or SCB cell) and year times a stable factor in 0.8-1.2, at most 100 where Helsingborg's figure
is on a 0-100 scale (SCB: 0.5-1.5, whole dwellings), so the
demonstration's peer table is plausible; a missing Helsingborg figure is missing for the peers too.
The requests are the ones the pipeline makes for the bundled plan (same URLs, same bodies), so
`indicator-pipeline refresh --offline` replays them. Run from the project root:

    .venv/bin/python scripts/bundle_peer_values.py [PLAN_NAME]     # default: the default plan
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from benchmarks.loopback import _unit_interval, envelope, recorded_body  # noqa: E402
from indicator_pipeline.catalog import load_plan  # noqa: E402
from indicator_pipeline.catalog.load import resolve_plan_path  # noqa: E402
from indicator_pipeline.catalog.model import Plan  # noqa: E402
from indicator_pipeline.catalog.peers import Municipality, PeerSet, resolve  # noqa: E402
from indicator_pipeline.catalog.plan_set import requests_by_municipality  # noqa: E402
from indicator_pipeline.settings import bundled_snapshot_dir  # noqa: E402
from indicator_pipeline.sources import kolada  # noqa: E402
from indicator_pipeline.sources.transport import Fetched, SnapshotDir  # noqa: E402
from indicator_pipeline.steps import kolada as kolada_steps  # noqa: E402
from indicator_pipeline.steps.scb import data_selection, table_queries  # noqa: E402

RETRIEVED_AT = "2026-11-20T03:00:00+00:00"
KOLADA = "https://api.kolada.se/v3"
SCB = "https://statistikdatabasen.scb.se/api/v2"


def recorded(source: str, url: str, body: bytes) -> Fetched:
    return Fetched(source, "GET", url, 200, {"Content-Type": "application/json", "Content-Length": str(len(body))}, body, RETRIEVED_AT)


def peer_value(own: float | None, *key: object) -> float | None:
    """Helsingborg's figure times 0.8-1.2; a figure on a 0-100 scale stays at most 100."""
    if own is None:
        return None
    value = round(own * (0.8 + 0.4 * _unit_interval(*key)), 1)
    return min(value, 100.0) if 0 <= own <= 100 else value


def body_in(root: Path, source: str, url_part: str, method: str = "GET") -> bytes:
    """The body of the one recording in `root` whose URL contains `url_part`."""
    for meta_path in sorted((root / source).glob(f"{method}-*.meta.json")):
        if url_part in json.loads(meta_path.read_text(encoding="utf-8"))["url"]:
            return meta_path.with_name(meta_path.name.removesuffix(".meta.json") + ".body").read_bytes()
    raise LookupError(f"no {method} {source} recording with {url_part!r} in {root}")


def bundled_peer_set(plan: Plan, root: Path) -> PeerSet:
    """The plan's peer set and reference rows, resolved from the snapshot's municipality list and group."""
    listing = recorded_body("kolada", "/v3/municipality?")  # Kolada's real list, as the default snapshot has it
    listed = kolada.parse_municipalities([recorded("kolada", f"{KOLADA}/municipality", listing)])
    municipalities = {code: Municipality(code, name, kind) for code, name, kind, _ in listed.iter_rows()}
    members = None
    if plan.peers.kind == "group":
        members = kolada.parse_group_members(
            [recorded("kolada", "group", body_in(root, "kolada", f"/municipality_groups/{plan.peers.group_id}"))], plan.peers.group_id
        )
    return resolve(plan.peers, plan.municipality_code, municipalities, members, "bundled plan")


def main() -> None:
    plan_path = resolve_plan_path(sys.argv[1] if len(sys.argv) > 1 else None)
    plan = load_plan(plan_path)
    root = bundled_snapshot_dir()
    snapshot = SnapshotDir(root)
    snapshot.write(recorded("kolada", f"{KOLADA}/municipality?per_page=5000", recorded_body("kolada", "/v3/municipality?")))
    peers = bundled_peer_set(plan, root)
    (own, _), (others, _) = requests_by_municipality([plan], {plan.id: peers.requested})
    years = list(range(plan.first_year, snapshot.recorded_on().year))
    kpis = kolada_steps.kpi_ids(plan)

    def url(group: list[str]) -> str:
        return f"{KOLADA}/data/kpi/{','.join(kpis)}/municipality/{','.join(group)}/year/{','.join(map(str, years))}?per_page=5000"

    own_objects = json.loads(body_in(root, "kolada", url(own)))["values"]
    objects = []
    for municipality in others:
        for item in own_objects:
            values = [
                {**v, "value": peer_value(v["value"], item["kpi"], municipality, item["period"], v["gender"])}
                for v in item["values"]
            ]
            objects.append({**item, "values": values, "municipality": municipality})
    objects.sort(key=lambda o: (o["kpi"], o["municipality"], o["period"]))
    snapshot.write(recorded("kolada", url(others), envelope(objects)))
    if table_queries(plan):
        write_scb(plan, root, others)


def write_scb(plan, root: Path, others: list[str]) -> None:
    snapshot = SnapshotDir(root)
    metadata = json.loads(body_in(root, "scb", "/tables/TAB4572/metadata"))
    own_post = next(
        json.loads(p.read_text(encoding="utf-8")) for p in (root / "scb").glob("POST-*.meta.json")
        if '"valueCodes":["1283"]' in json.loads(p.read_text(encoding="utf-8"))["request_body"]
    )
    own_answer = json.loads(body_in(root, "scb", "/tables/TAB4572/data", "POST"))
    (query,) = table_queries(plan)
    selection = data_selection(plan, query, metadata, others)
    own_cells = dict(zip(
        [(h, t) for h in own_answer["dimension"]["Hustyp"]["category"]["index"] for t in own_answer["dimension"]["Tid"]["category"]["index"]],
        own_answer["value"],
    ))
    values, status = [], {}
    for region in selection["Region"]:
        for hustyp in selection["Hustyp"]:
            for period in selection["Tid"]:
                own_value = own_cells[(hustyp, period)]
                if own_value is None:
                    status[str(len(values))] = ".."
                    values.append(None)
                else:
                    values.append(round(own_value * (0.5 + _unit_interval(region, hustyp, period))))
    answer = {key: value for key, value in own_answer.items() if key != "status"}
    answer["size"] = [len(codes) for codes in selection.values()]
    answer["dimension"] = json.loads(json.dumps(own_answer["dimension"]))
    answer["dimension"]["Region"]["category"] = {
        "index": {code: i for i, code in enumerate(selection["Region"])},
        "label": {code: metadata["dimension"]["Region"]["category"]["label"][code] for code in selection["Region"]},
    }
    answer["value"] = values
    answer["status"] = status
    body = json.dumps(answer, ensure_ascii=False, separators=(",", ":")).encode()
    request_body = json.dumps(
        {"selection": [{"variableCode": v, "valueCodes": c} for v, c in selection.items()]},
        ensure_ascii=False, sort_keys=True, separators=(",", ":"),
    ).encode()
    headers = {"Content-Type": own_post["headers"]["Content-Type"], "Content-Length": str(len(body))}
    snapshot.write(Fetched("scb", "POST", own_post["url"], 200, headers, body, RETRIEVED_AT, request_body))


if __name__ == "__main__":
    main()
