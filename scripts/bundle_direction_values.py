"""Write the Kolada answers the city directions' KPIs need into the bundled snapshot, and their provenance.

The directions plan (helsingborg_inriktningar_2023_2026.toml) follows four Kolada KPIs besides N00301, which
the KS plan already fetches. The run of the bundled folder asks for Helsingborg once with the KS plan's and
the directions' KPIs together, and for the peers and reference rows once with every plan's KPIs; the
directions plan alone asks for its own. This script runs the pipeline's own fetch steps for each of those
runs against a transport that answers from the snapshot: a request without a directions KPI (the KS and
Lund plans' requests) is read back unchanged; one with a directions KPI is written with the values it would
carry:

- a KPI already bundled: the value recorded for it, so every existing value stays as it is;
- a directions KPI for Helsingborg (1283): the illustrative series below (PROVENANCE.md, provenance.json);
- a directions KPI for a peer or reference row: Helsingborg's figure times a stable factor, as
  scripts/bundle_peer_values.py makes the peers' figures;
- KPI metadata: the real catalogue objects (tests/fixtures/conformance/kolada/kpi_catalogue_plan_subset.json).

Re-runnable: the same files come out each time. Run from the project root:

    .venv/bin/python scripts/bundle_direction_values.py
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from pathlib import Path

from bundle_peer_values import KOLADA, PROJECT, bundled_peer_set, peer_value, recorded  # also puts PROJECT on sys.path

from benchmarks.loopback import envelope  # noqa: E402
from indicator_pipeline.archive import RawArchive  # noqa: E402
from indicator_pipeline.catalog import bundled_plan_path, load_plan  # noqa: E402
from indicator_pipeline.catalog.load import bundled_plan_names, load_plans  # noqa: E402
from indicator_pipeline.settings import bundled_snapshot_dir  # noqa: E402
from indicator_pipeline.sources.transport import Fetched, SnapshotDir  # noqa: E402
from indicator_pipeline.steps import kolada as kolada_steps  # noqa: E402

DIRECTIONS = "helsingborg_inriktningar_2023_2026"
OWN = "1283"
CATALOGUE = PROJECT / "tests" / "fixtures" / "conformance" / "kolada" / "kpi_catalogue_plan_subset.json"
ILLUSTRATIVE = "illustrative demonstration value, not a published figure"

# Helsingborg's illustrative figures, gender T, by year (no published figure was found for any of them).
# A year Kolada had not published by the snapshot's date (2026-11-20) is left out: N00310 with its BRP+
# release as N00301, N00401 (publ_period 2024), N02267 (2025 due 2026-11-28).
SERIES = {
    "N00310": dict(zip(range(2015, 2025), [56.4, 56.1, 55.2, 55.6, 54.8, 54.1, 54.5, 53.6, 53.0, 52.7])),
    "N00401": dict(zip(range(2015, 2025), [3.62, 3.55, 3.41, 3.37, 3.22, 2.91, 3.02, 2.84, 2.71, 2.63])),
    "N00999": dict(zip(range(2015, 2026), [10.9, 11.2, 11.0, 11.4, 11.7, 12.1, 13.0, 12.4, 12.2, 12.5, 12.9])),
    "N02267": dict(zip(range(2015, 2025), [74.6, 75.3, 76.0, 76.6, 76.9, 75.8, 76.7, 77.8, 78.1, 77.9])),
}
# Gender-divided in the catalogue (N02267): women's and men's rates as illustrative offsets from the total.
GENDER_OFFSETS = {"N02267": {"K": -1.9, "M": 1.7}}
DATA_PATH = re.compile(r"/data/kpi/([^/]+)/municipality/([^/]+)/year/([^/?]+)")
KPI_PATH = re.compile(r"/kpi/([^/?]+)")


def own_cells(kpi: str, year: int) -> list[tuple[str, float]]:
    """Helsingborg's (gender, value) cells of a directions KPI in a year, T first as Kolada sends them."""
    if year not in SERIES[kpi]:
        return []
    total = SERIES[kpi][year]
    return [("T", total)] + [(g, round(total + d, 1)) for g, d in GENDER_OFFSETS.get(kpi, {}).items()]


class Answering:
    """A transport that replays the snapshot's recordings and writes the answer to a request it lacks."""

    def __init__(self, snapshot: SnapshotDir):
        self.snapshot = snapshot
        self.written: list[str] = []
        # (kpi, municipality, year) -> the recorded data object, from the default (KS) plan's data answers:
        # those the folder run replayed before the directions had KPIs (Lund's reference rows differ).
        default_kpis = f"/data/kpi/{','.join(kolada_steps.kpi_ids(load_plan(bundled_plan_path())))}/"
        self.recorded = {
            (o["kpi"], o["municipality"], o["period"]): o
            for meta in sorted((snapshot.root / "kolada").glob("*.meta.json"))
            if default_kpis in (url := json.loads(meta.read_text(encoding="utf-8"))["url"])
            for o in snapshot.read("kolada", "GET", url, None).json()["values"]
        }
        self.catalogue = {o["id"]: o for o in json.loads(CATALOGUE.read_text(encoding="utf-8"))}

    def request(self, source: str, method: str, url: str, json_body: dict | None = None) -> Fetched:
        """A request for a directions KPI is (re)written; any other is the recording the snapshot has."""
        if not any(kpi in url for kpi in SERIES):
            return self.snapshot.read(source, method, url, None)
        fetched = recorded(source, url, self._answer(url))
        self.snapshot.write(fetched)
        self.written.append(url)
        return fetched

    def _answer(self, url: str) -> bytes:
        if match := DATA_PATH.search(url):
            kpis, codes, years = (part.split(",") for part in match.groups())
            objects = [o for kpi in kpis for code in codes for year in map(int, years) if (o := self._object(kpi, code, year))]
            return envelope(objects)
        (kpis,) = KPI_PATH.search(url).groups()
        return envelope([self.catalogue[kpi] for kpi in kpis.split(",")])

    def _object(self, kpi: str, code: str, year: int) -> dict | None:
        if kpi not in SERIES:
            return self.recorded.get((kpi, code, year))
        cells = [(g, v if code == OWN else peer_value(v, kpi, code, year, g)) for g, v in own_cells(kpi, year)]
        if not cells:
            return None
        values = [{"gender": g, "count": 1, "status": "", "value": v} for g, v in cells]
        return {"values": values, "kpi": kpi, "period": year, "municipality": code}


def write_provenance(root: Path) -> None:
    """provenance.json: one entry per Helsingborg value of the directions KPIs, beside the existing ones."""
    path = root / "provenance.json"
    entries = [e for e in json.loads(path.read_text(encoding="utf-8")) if e.get("kpi_id") not in SERIES]
    entries += [
        {"source": "kolada", "kpi_id": kpi, "year": year, "gender": g, "value": v, "status": "illustrative",
         "reference": ILLUSTRATIVE if g == "T" else "illustrative offset from the total (T)"}
        for kpi in SERIES for year in SERIES[kpi] for g, v in own_cells(kpi, year)
    ]
    kolada_first = sorted(entries, key=lambda e: (e["source"], e.get("kpi_id") or ""))  # stable: years keep their order
    path.write_text(json.dumps(kolada_first, ensure_ascii=False, indent=1), encoding="utf-8")


def main() -> None:
    root = bundled_snapshot_dir()
    transport = Answering(SnapshotDir(root))
    last_year = SnapshotDir(root).recorded_on().year - 1
    runs = [load_plans(str(root.parents[1] / "catalog" / "plans")), load_plan(DIRECTIONS)]
    assert DIRECTIONS in bundled_plan_names()
    with tempfile.TemporaryDirectory() as tmp:
        archive = RawArchive(tmp)
        for plans in runs:
            peer_sets = {plan.id: bundled_peer_set(plan, root) for plan in plans.plans}
            kolada_steps.fetch_metadata(plans, transport, archive)
            kolada_steps.fetch_values(plans, transport, archive, last_year, peer_sets)
    write_provenance(root)
    for url in transport.written:
        print("wrote", url)


if __name__ == "__main__":
    main()
