"""Targets against peers (docs/target-rules.md): a live refresh of a small plan against the loopback
Kolada, which answers figures chosen here, so every count and percentile of marts.goal_status is known
by hand: a peer exactly at the target, peers with a missing value (null or not sent), values before a
series break, a lower-is-better target that the plan's own municipality already meets (never counted),
a decided target, a period average, and a change equal to the one needed up to floating-point noise.

Live answers are observed when they arrive, so the refresh is judged as of the day it runs (an explicit
input) and every year is counted from L, the latest year that is over then: the figures and what is
asserted are the same in any year. The comments write the years for a run in 2026 (L = 2025)."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from benchmarks.loopback import LoopbackSources
from indicator_pipeline.run import refresh
from indicator_pipeline.settings import Settings

AS_OF = date.today()
L = AS_OF.year - 1  # the latest year that is over
OWN, PEERS = "1283", ("0126", "0136", "0581", "1490", "1880", "1980")

# The plan's Kolada indicators: id, KPI, Kolada's title of it (checked by the refresh), which way is better.
INDICATORS = (
    ("nki_total", "U07453", "Företagsklimat Insikt - Totalt, Index, ny definition", "higher"),
    ("ntu_unsafe", "N07609", "NTU - Otrygghet vid utomhusvistelse sen kväll i det egna bostadsområdet, andel (%)", "lower"),
    ("result_share", "N03102", "Årets resultat som andel av skatt & generella statsbidrag kommun, (%)", "higher"),
)
BREAKS = {"nki_total": L - 1}  # NKI's new definition: L - 2 is not comparable
# id, indicator, level, and the target's year or period as TOML lines
TARGETS = (
    ("nki_76_next_year", "nki_total", 76, f'kind = "threshold_in_year"\nyear = {L + 1}'),
    ("nki_74_last_year", "nki_total", 74, f'kind = "threshold_in_year"\nyear = {L}'),
    ("ntu_at_most_20_next_year", "ntu_unsafe", 20, f'kind = "threshold_in_year"\nyear = {L + 1}'),
    ("result_avg_five_years", "result_share", 2, f'kind = "period_average"\nstart_year = {L - 2}\nend_year = {L + 2}'),
)


def plan_text() -> str:
    """The plan file: Helsingborg against the six peers, one goal with the targets above."""
    text = (f'[plan]\nid = "peer-targets"\ntitle = "Targets against peers"\norganisation = "Test"\n'
            f'municipality_code = "{OWN}"\nmunicipality_name = "Helsingborg"\nplan_year = {L}\nfirst_year = {L - 3}\n'
            f'[peers]\nmunicipalities = {list(PEERS)!r}\n')
    for indicator, kpi, title, direction in INDICATORS:
        breaks = [BREAKS[indicator]] if indicator in BREAKS else []
        text += (f'[[indicators]]\nid = "{indicator}"\ntitle = "{indicator}"\nunit = "percent"\ndecimals = 1\n'
                 f'direction = "{direction}"\nsource = "kolada"\nsource_id = "{kpi}"\nsource_title = "{title}"\n'
                 f'series_break_years = {breaks}\n')
    text += '[[goals]]\nid = "g"\ntitle = "Goals"\nmeasurable = true\n'
    for target, indicator, level, when in TARGETS:
        text += f'[[goals.targets]]\nid = "{target}"\nindicator = "{indicator}"\nvalue = {level}\n{when}\n'
    return text


# KPI -> year -> municipality -> value; None = Kolada sends null; a municipality left out is not sent.
CHOSEN = {
    "U07453": {  # NKI, new definition from L - 1: L - 2 is not comparable
        L - 2: {"0126": 60.0, "1490": 60.0, "1880": 90.0},
        L - 1: {OWN: 70.0, "0126": 75.0, "0136": 73.0, "0581": 69.4, "1490": 78.0, "1980": 77.0},
        L: {OWN: 72.3, "0126": 80.0, "0136": 76.0, "0581": 73.1, "1490": None, "1980": 71.0},
    },
    "N07609": {  # lower is better
        L - 1: {OWN: 22.0, "0126": 25.0, "0136": 18.0, "0581": 15.0, "1980": None},
        L: {OWN: 19.0, "0126": 20.0, "0136": 21.0, "0581": 16.0, "1490": 30.0, "1980": None},
    },
    "N03102": {
        L - 2: {OWN: 1.0, "0126": 0.0, "0136": 3.0, "1490": 2.0},
        L - 1: {OWN: 2.0, "0126": 1.0, "0581": -1.0, "1490": None},
        L: {OWN: 1.5, "0126": 2.0, "0136": 3.5, "0581": 1.0, "1490": None},
    },
}
COLUMNS = ("peers_with_value", "peers_meeting_target", "required_yearly_change", "required_change_years",
           "peers_with_change", "peers_achieving_required_change", "required_change_percentile")


@pytest.fixture(scope="module")
def goal_status(tmp_path_factory) -> dict[str, dict]:
    folder = tmp_path_factory.mktemp("peer_targets")
    plan = folder / "plan.toml"
    plan.write_text(plan_text(), encoding="utf-8")
    (folder / "landing").mkdir()
    warehouse = folder / "w" / "indicators.duckdb"
    with pytest.MonkeyPatch.context() as mp, LoopbackSources(chosen=CHOSEN) as sources:
        for name, value in sources.env().items():
            mp.setenv(name, value)
        refresh(Settings(warehouse_path=warehouse, source_mode="live", landing_dir=folder / "landing", as_of=AS_OF,
                         plan_path=plan))
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(f"SELECT target_id, status, {', '.join(COLUMNS)} FROM marts.goal_status").fetchall()
    return {target_id: dict(zip(("status", *COLUMNS), rest)) for target_id, *rest in rows}


def test_a_target_not_decided_against_peers_with_ties_gaps_and_a_series_break(goal_status):
    row = goal_status["nki_76_next_year"]
    # Own latest 2025: 72.3, one year left: needs 76 - 72.3 = 3.7 a year. Comparable peers (2024-2025):
    # 0126 80 (meets, +5.0), 0136 76.0 (exactly at the target: meets, +3.0), 0581 73.1 (+3.7: 73.1 - 69.4 is
    # 3.6999999999999886 as a double, the need 3.700000000000003: a tie, achieved), 1490 78 in 2024 (2025
    # null; meets; its 2023 is before the break, so no change), 1980 71 (-6.0); 1880 has only 2023.
    assert row["status"] == "off_track"
    assert row["required_yearly_change"] == pytest.approx(3.7) and row["required_change_years"] == 1
    assert {k: row[k] for k in COLUMNS if k not in ("required_yearly_change", "required_change_years")} == {
        "peers_with_value": 5, "peers_meeting_target": 3,
        "peers_with_change": 4, "peers_achieving_required_change": 2, "required_change_percentile": 50.0,
    }


def test_a_decided_target_keeps_the_peers_meeting_it_and_has_no_pace(goal_status):
    row = goal_status["nki_74_last_year"]  # 2025's 72.3 is final and below 74
    assert row["status"] == "not_met"
    assert row["peers_with_value"] == 5 and row["peers_meeting_target"] == 3  # 0126 80, 0136 76, 1490 78
    assert [row[k] for k in COLUMNS[2:]] == [None] * 5


def test_lower_is_better_and_the_own_municipality_is_never_counted(goal_status):
    row = goal_status["ntu_at_most_20_next_year"]
    # Own 19 in 2025 already meets 20 (not counted) and may rise by +1.0 a year. Peers: 0126 20.0 (exactly
    # at the target: meets; -5, achieved), 0136 21 (+3: worse), 0581 16 (meets; +1: a tie, achieved), 1490
    # 30 (no 2024: no change); 1880 sent nothing, 1980 only nulls.
    assert row["status"] == "on_track"
    assert row["required_yearly_change"] == pytest.approx(1.0) and row["required_change_years"] == 1
    assert row["peers_with_value"] == 4 and row["peers_meeting_target"] == 2
    assert row["peers_with_change"] == 3 and row["peers_achieving_required_change"] == 2
    assert row["required_change_percentile"] == pytest.approx(100 / 3)


def test_a_period_average_needs_the_steady_change_to_the_required_yearly_value(goal_status):
    row = goal_status["result_avg_five_years"]
    # Known 1.0, 2.0, 1.5: 2026-2027 must average (2 x 5 - 4.5) / 2 = 2.75. From 1.5 in 2025 a steady c a year
    # gives 1.5 + c and 1.5 + 2c, averaging 1.5 + 1.5c = 2.75: c = 0.8333. Over n = 2 years, peers: 0126
    # 0.0 -> 2.0 (meets, +1.0 a year), 0136 3.0 -> 3.5 (meets, +0.25), 0581 1.0 (2023 not sent: no change),
    # 1490 2.0 in 2023 (later years null; meets, nothing 2 years before).
    assert row["required_yearly_change"] == pytest.approx(1.25 / 1.5) and row["required_change_years"] == 2
    assert row["peers_with_value"] == 4 and row["peers_meeting_target"] == 3
    assert row["peers_with_change"] == 2 and row["peers_achieving_required_change"] == 1
    assert row["required_change_percentile"] == 50.0
