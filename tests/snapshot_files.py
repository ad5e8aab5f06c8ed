"""Finding recordings in a snapshot directory by what they asked for, not by file name: the bundled
snapshot has two Kolada data answers (the plan's own municipality, and its peers with the reference
rows), whose file names differ only in the hash."""

from __future__ import annotations

import json
from pathlib import Path

OWN = "1283"


def own_kolada_data(snapshot: Path, suffix: str = ".body") -> Path:
    """The Kolada data answer for the plan's own municipality (`suffix` ".body" or ".meta.json")."""
    (meta,) = [
        p for p in (snapshot / "kolada").glob("*.meta.json")
        if f"/municipality/{OWN}/year/" in json.loads(p.read_text(encoding="utf-8"))["url"]
    ]
    return meta if suffix == ".meta.json" else meta.with_name(meta.name.removesuffix(".meta.json") + suffix)


def own_scb_data_meta(snapshot: Path) -> Path:
    """The `.meta.json` of the SCB data query for the plan's own municipality (Region = [1283])."""
    (meta,) = [
        p for p in (snapshot / "scb").glob("POST-*.meta.json")
        if json.loads(json.loads(p.read_text(encoding="utf-8"))["request_body"])["selection"][0]["valueCodes"] == [OWN]
    ]
    return meta


def default_plan_kolada(snapshot: Path, what: str) -> list[Path]:
    """The default plan's Kolada answers (bodies): its KPI metadata (`what="kpi"`) or its data answers
    (`"data"`), told from the other bundled plans' by the URL (its KPI list starts at N00301, its years at 2015)."""
    marker = {"kpi": "/v3/kpi/N00301,", "data": "/year/2015,"}[what]
    metas = sorted((snapshot / "kolada").glob("*.meta.json"))
    return [p.with_name(p.name.removesuffix(".meta.json") + ".body") for p in metas
            if marker in json.loads(p.read_text(encoding="utf-8"))["url"]]
