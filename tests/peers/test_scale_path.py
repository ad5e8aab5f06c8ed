"""The scale path end to end, small: a live refresh against the loopback Kolada and SCB (generated
payloads in the real wire formats) with 30 peers, so the requests are chunked by 25 and paged, the
answers parsed in bulk, checked and compared. `benchmarks/scale.py` runs the same with all 290."""

from __future__ import annotations

import json
import shutil
from datetime import date

import duckdb
import pytest

from benchmarks.loopback import BUNDLED, LoopbackSources, recorded_body
from indicator_pipeline.errors import CatalogueError
from indicator_pipeline.run import refresh
from indicator_pipeline.settings import Settings

AS_OF = date(2026, 11, 20)


def _municipality_codes(count: int) -> list[str]:
    listed = json.loads(recorded_body("kolada", "/v3/municipality?"))["values"]
    return sorted(m["id"] for m in listed if m["type"] == "K" and m["id"] != "1283")[:count]


def test_thirty_peers_are_chunked_paged_loaded_and_ranked(tmp_path, monkeypatch):
    peers = _municipality_codes(30)
    landing = tmp_path / "landing"
    shutil.copytree(BUNDLED / "filedrop", landing)
    warehouse = tmp_path / "w" / "indicators.duckdb"
    with LoopbackSources(per_page_limit=1000) as sources:
        for name, value in sources.env().items():
            monkeypatch.setenv(name, value)
        settings = Settings(
            warehouse_path=warehouse, source_mode="live", landing_dir=landing, as_of=AS_OF, peers=",".join(peers)
        )
        refresh(settings)
    requested = {"1283", "0000", "0012", *peers}
    # own request, then 32 others in lists of 25 and 7; 15 KPIs x 25 (7) x 11 years = 4125 (1155) objects:
    # 5 (2) pages of 1000
    assert sources.requests["kolada_data"] == 1 + 5 + 2
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert {r[0] for r in con.execute("SELECT municipality_code FROM core.peer_set").fetchall()} == requested
        staged = con.execute("SELECT count(DISTINCT municipality_code), count(*) FROM staging.kolada_values").fetchone()
        assert staged[0] == len(requested)
        regions = con.execute("SELECT count(DISTINCT region) FROM staging.scb_values").fetchone()[0]
        assert regions == len(requested)
        per_year = con.execute(
            "SELECT count(*) AS n, count(rank) AS ranked, max(peer_count) AS peer_count "
            "FROM marts.peer_comparison GROUP BY indicator_id, year"
        ).fetchall()
        assert {n for n, _, _ in per_year} == {len(requested)}  # one row per municipality asked for, every indicator-year
        assert all(ranked == count for _, ranked, count in per_year)
        assert max(count for _, _, count in per_year) == len(peers) + 1
        own = con.execute("SELECT count(*) FROM marts.peer_comparison WHERE is_plan_municipality AND rank IS NOT NULL").fetchone()
        assert own[0] > 0


def test_an_unknown_peer_stops_the_refresh_naming_the_code(tmp_path, monkeypatch):
    landing = tmp_path / "landing"
    shutil.copytree(BUNDLED / "filedrop", landing)
    with LoopbackSources() as sources:
        for name, value in sources.env().items():
            monkeypatch.setenv(name, value)
        settings = Settings(
            warehouse_path=tmp_path / "w" / "indicators.duckdb", source_mode="live", landing_dir=landing, as_of=AS_OF,
            peers="0180,9999",
        )
        with pytest.raises(Exception, match="9999 is not a municipality code Kolada knows"):
            refresh(settings)
    assert "kolada_data" not in sources.requests  # nothing was asked for the unknown set


def test_a_malformed_override_fails_before_anything_runs(tmp_path):
    with pytest.raises(CatalogueError, match=r"--peers or INDICATOR_PEERS\): '12x4' is not a four-digit municipality code"):
        Settings(warehouse_path=tmp_path / "w.duckdb", peers="0180,12x4")
