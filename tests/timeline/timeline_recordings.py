"""Recordings of the sources as they would have answered on a given day: the bundled snapshot with
some Kolada values changed or dropped and some SCB cells changed, every answer retrieved that day.

Written with the library's own SnapshotDir, so replaying them goes through the same transport and
parsers as any recording. SCB cells are addressed by their category codes and placed by the answer's
json-stat2 category index, whatever order the answer lists them in.
"""

from __future__ import annotations

import json
import math
from datetime import date
from pathlib import Path

from indicator_pipeline.sources.transport import Fetched, SnapshotDir

BUNDLED = Path(__file__).resolve().parents[2] / "indicator_pipeline" / "snapshots" / "bundled"
DROP = object()  # a Kolada (KPI, year) the answer no longer holds


def record_day(
    destination: Path,
    day: date,
    kolada: dict[tuple[str, int], float | None | object] | None = None,
    scb: dict[tuple[str, str], float | None] | None = None,
    base: Path = BUNDLED,
) -> Path:
    """Write a recording of every request in `base` as answered on `day` (03:00 UTC) into `destination`.

    `kolada`: (KPI, year) -> new gender-T value (None: Kolada's null), or DROP to leave the row out.
    `scb`: (Hustyp code, period) -> new småhus/flerbo starts value (None: SCB's '..', not published).
    Both change Helsingborg's (1283) figures only; the peers' answers are kept as recorded.
    """
    target = SnapshotDir(destination)
    target.write_manifest(day)
    for meta_path in sorted(base.glob("*/*.meta.json")):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        body = meta_path.with_name(meta_path.name.removesuffix(".meta.json") + ".body").read_bytes()
        source = meta_path.parent.name
        if source == "kolada" and "/data/" in meta["url"]:
            body = _kolada_changed(body, kolada or {})
        elif source == "scb" and "/data" in meta["url"]:
            body = _scb_changed(body, scb or {})
        headers = {**meta["headers"], "Content-Length": str(len(body))}
        request_body = meta["request_body"].encode() if meta["request_body"] else None
        target.write(
            Fetched(source, meta["method"], meta["url"], meta["status"], headers, body, f"{day.isoformat()}T03:00:00+00:00", request_body)
        )
    return destination


def _kolada_changed(body: bytes, changes: dict) -> bytes:
    doc = json.loads(body)
    kept = []
    for obj in doc["values"]:
        change = changes.get((obj["kpi"], obj["period"]), "keep") if obj["municipality"] == "1283" else "keep"
        if change is DROP:
            continue
        if change != "keep":
            for cell in obj["values"]:
                if cell["gender"] == "T":
                    cell["value"] = change
        kept.append(obj)
    doc["values"], doc["count"] = kept, len(kept)
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()


def _scb_changed(body: bytes, changes: dict) -> bytes:
    doc = json.loads(body)
    if "1283" not in doc["dimension"]["Region"]["category"]["index"]:
        return body  # the peers' answer
    status = doc.setdefault("status", {})
    for (house_type, period), value in changes.items():
        position = _cell(doc, {"Region": "1283", "Hustyp": house_type, "ContentsCode": "BO0101A4", "Tid": period})
        doc["value"][position] = value
        if value is None:
            status[str(position)] = ".."
        else:
            status.pop(str(position), None)
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()


def _cell(doc: dict, codes: dict[str, str]) -> int:
    """The row-major position of a cell in a json-stat2 value array, from each dimension's category index."""
    position = 0
    for dimension, size in zip(doc["id"], doc["size"]):
        index = doc["dimension"][dimension]["category"]["index"]
        position = position * size + index[codes[dimension]]
    assert position < math.prod(doc["size"])
    return position
