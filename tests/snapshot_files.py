"""Finding recordings in a snapshot directory by what they asked for, not by file name: the bundled
snapshot has several Kolada data answers for Helsingborg (the default plan's, the city directions' and
the folder run's with both plans' KPIs), and for the peers with the reference rows, whose file names
differ only in the hash."""

from __future__ import annotations

import json
from pathlib import Path

from indicator_pipeline.catalog import bundled_plan_path, load_plan
from indicator_pipeline.steps.kolada import kpi_ids

OWN = "1283"
DEFAULT_KPIS = ",".join(kpi_ids(load_plan(bundled_plan_path())))  # the default (KS) plan's KPIs, as its requests list them


def own_kolada_data(snapshot: Path, suffix: str = ".body") -> Path:
    """The default plan's Kolada data answer for its own municipality (`suffix` ".body" or ".meta.json")."""
    (meta,) = [
        p for p in (snapshot / "kolada").glob("*.meta.json")
        if f"/data/kpi/{DEFAULT_KPIS}/municipality/{OWN}/year/" in json.loads(p.read_text(encoding="utf-8"))["url"]
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
    (`"data"`), told from the other bundled plans' and the folder run's by the URL's KPI list."""
    marker = {"kpi": f"/v3/kpi/{DEFAULT_KPIS}?", "data": f"/data/kpi/{DEFAULT_KPIS}/"}[what]
    metas = sorted((snapshot / "kolada").glob("*.meta.json"))
    return [p.with_name(p.name.removesuffix(".meta.json") + ".body") for p in metas
            if marker in json.loads(p.read_text(encoding="utf-8"))["url"]]
