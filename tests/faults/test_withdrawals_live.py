"""Withdrawals and retirement, live against Kolada and SCB stand-ins on 127.0.0.1 in the real shapes:
a year Kolada stops sending, a row the city's new file lacks, and an indicator taken out of the plan.

Kolada is answered from the bundled recording whatever years are asked for (the fetch window follows
today's date in live mode), holding only the KPIs each request names."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest
from faultkit import BUNDLED, Answer, SourceServer

from indicator_pipeline.catalog.load import bundled_plan_path
from indicator_pipeline.run import refresh
from indicator_pipeline.settings import Settings
from snapshot_files import default_plan_kolada, own_kolada_data

AS_OF = date(2026, 11, 30)  # pinned: the checks' freshness window; assessments are not what is tested here
JSON = {"Content-Type": "application/json"}
RETIRED_KPI = "N03001"  # result_before_extraordinary_share: context of the result goal only


def _recorded(kind: str) -> dict:
    """The recorded KPI metadata, or every recorded data object (the plan's own and its peers')."""
    if kind == "kpi":
        (metadata,) = default_plan_kolada(BUNDLED, "kpi")
        return json.loads(metadata.read_bytes())
    data = json.loads(own_kolada_data(BUNDLED).read_bytes())
    for path in default_plan_kolada(BUNDLED, "data"):
        if path != own_kolada_data(BUNDLED):
            data["values"] += json.loads(path.read_bytes())["values"]
    return data


def kolada_answer(withdrawn: set[tuple[str, int]] = frozenset()):
    """A fault handler answering Kolada's metadata and data requests from the recording, restricted to
    the KPIs, municipalities (and years) in the request path, without Helsingborg's (KPI, year) rows in
    `withdrawn`."""

    def answer(path: str, recorded, base: str) -> Answer:
        if "/kpi/" not in path:  # the municipality list and the peer group: as recorded
            return recorded
        ids = set(re.search(r"/kpi/([^/?]+)", path).group(1).split(","))
        if "/data/" in path:
            years = {int(y) for y in re.search(r"/year/([^/?]+)", path).group(1).split(",")}
            municipalities = set(re.search(r"/municipality/([^/?]+)", path).group(1).split(","))
            body = _recorded("data")
            body["values"] = [
                o for o in body["values"]
                if o["kpi"] in ids and o["period"] in years and o["municipality"] in municipalities
                and (o["municipality"] != "1283" or (o["kpi"], o["period"]) not in withdrawn)
            ]
        else:
            body = _recorded("kpi")
            body["values"] = [o for o in body["values"] if o["id"] in ids]
        body["count"] = len(body["values"])
        return Answer(200, json.dumps(body, ensure_ascii=False).encode(), JSON)

    return answer


def plan_without(kpi: str, folder: Path) -> Path:
    """The bundled plan with the indicator of `kpi` taken out (and out of the goal's context list)."""
    text = bundled_plan_path().read_text(encoding="utf-8")
    blocks = text.split("\n[[indicators]]\n")
    (retired,) = [b for b in blocks if f'source_id = "{kpi}"' in b]
    indicator_id = re.search(r'^id = "([^"]+)"', retired, re.M).group(1)
    text = "\n[[indicators]]\n".join(b for b in blocks if b is not retired).replace(f', "{indicator_id}"', "")
    assert indicator_id not in text
    path = folder / "plan.toml"
    path.write_text(text, encoding="utf-8")
    return path


def refresh_live(server: SourceServer, env, warehouse: Path, landing: Path, plan: Path | None = None) -> None:
    env.setenv("KOLADA_BASE_URL", f"{server.url}/v3")
    env.setenv("SCB_BASE_URL", f"{server.url}/api/v2")
    refresh(Settings(warehouse_path=warehouse, source_mode="live", landing_dir=landing, plan_path=plan, as_of=AS_OF))


def vintages(con, indicator_id: str, year: int) -> list[tuple]:
    return con.execute(
        "SELECT value, withdrawn FROM core.indicator_value_vintage WHERE indicator_id = ? AND year = ? "
        "AND municipality_code = '1283' ORDER BY observed_at, loaded_at",
        [indicator_id, year],
    ).fetchall()


@pytest.fixture
def landing(tmp_path) -> Path:
    folder = tmp_path / "landing"
    shutil.copytree(BUNDLED / "filedrop", folder)
    return folder


def test_withdrawn_rows_stop_being_current_and_retired_indicators_leave_the_facts(clean_env, tmp_path, landing):
    warehouse = tmp_path / "warehouse" / "indicators.duckdb"
    with SourceServer() as server:
        server.fault("/v3/", kolada_answer())
        refresh_live(server, clean_env, warehouse, landing)
        with duckdb.connect(str(warehouse), read_only=True) as con:
            before = con.execute("SELECT count(*) FROM core.indicator_value_vintage").fetchone()[0]
            assert vintages(con, "nki_total", 2025) == [(75.3, False)]
            assert vintages(con, "self_build_plot_starts", 2022) == [(95.0, False)]
            assert con.execute(
                "SELECT count(*) FROM core.fact_indicator_value WHERE indicator_id = 'result_before_extraordinary_share'"
            ).fetchone()[0] > 0

        # Kolada no longer sends NKI 2025; the city's new self-build file lacks 2022; N03001 leaves the plan.
        server.faults.clear()
        server.fault("/v3/", kolada_answer(withdrawn={("U07453", 2025)}))
        rows = (landing / "self_build_plots_2026-01-20.csv").read_text(encoding="utf-8").splitlines(keepends=True)
        (landing / "self_build_plots_2026-12-01.csv").write_text("".join(r for r in rows if not r.startswith("2022;")), encoding="utf-8")
        plan = plan_without(RETIRED_KPI, tmp_path)
        refresh_live(server, clean_env, warehouse, landing, plan)
        with duckdb.connect(str(warehouse), read_only=True) as con:
            after = con.execute("SELECT count(*) FROM core.indicator_value_vintage").fetchone()[0]
            assert vintages(con, "nki_total", 2025) == [(75.3, False), (None, True)]
            assert vintages(con, "self_build_plot_starts", 2022) == [(95.0, False), (None, True)]
            current = {
                (i, y) for i, y in con.execute(
                    "SELECT indicator_id, year FROM core.fact_indicator_value WHERE municipality_code = '1283' AND indicator_id IN "
                    "('nki_total', 'self_build_plot_starts', 'result_before_extraordinary_share')"
                ).fetchall()
            }
            assert ("nki_total", 2025) not in current and ("nki_total", 2024) in current
            assert ("self_build_plot_starts", 2022) not in current and ("self_build_plot_starts", 2023) in current
            # retired: out of the facts (and so out of the blocking checks, which passed), history kept
            assert not any(i == "result_before_extraordinary_share" for i, _ in current)
            assert con.execute(
                "SELECT count(*) FROM core.indicator_value_vintage WHERE indicator_id = 'result_before_extraordinary_share'"
            ).fetchone()[0] > 0
        # two withdrawals, nothing else changed
        assert after - before == 2

        refresh_live(server, clean_env, warehouse, landing, plan)  # the same answers again: nothing added
        with duckdb.connect(str(warehouse), read_only=True) as con:
            assert con.execute("SELECT count(*) FROM core.indicator_value_vintage").fetchone()[0] == after
