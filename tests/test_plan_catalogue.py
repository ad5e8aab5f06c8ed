"""The goal catalogue: the bundled plan, another municipality's plan, and plan files that must be refused."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from indicator_pipeline.catalog import bundled_plan_path, load_plan
from indicator_pipeline.catalog.load import bundled_plan_names
from indicator_pipeline.catalog.model import TARGET_KINDS
from indicator_pipeline.errors import CatalogueError
from indicator_pipeline.sources.kolada import KoladaClient
from indicator_pipeline.sources.transport import Fetched
from indicator_pipeline.steps import kolada as kolada_steps

MEASURABLE = {
    "business_climate_nki",
    "safety_index",
    "smallhouse_starts",
    "smallhouse_self_build_share",
    "result_share",
    "self_financing",
    "soliditet",
}
QUALITATIVE = {
    "new_business_land",
    "direction_business_climate",
}
# The city's four directions for 2023-2026 (the KS plan's parent plan), and the goals of the KS plan that
# serve each (the plan's reading, in its comment: the plan text does not pair them).
PARENT = "helsingborg_inriktningar_2023_2026"
# Real v3 KPI objects: the bundled plans' KPIs cut from Kolada's catalogue (tests/fixtures/conformance/README.md).
KPI_CATALOGUE = Path(__file__).resolve().parent / "fixtures" / "conformance" / "kolada" / "kpi_catalogue_plan_subset.json"
DIRECTIONS = {
    "innovation": "Helsingborg ska öka innovationskraften för att säkra en effektiv välfärd",
    "safety": "Helsingborg ska upplevas som tryggt och säkert",
    "quality_of_life": "Helsingborg ska vara en stad med hög livskvalitet som siktar på klimatneutralitet 2030",
    "employment": "Helsingborg ska ha en hög sysselsättning där fler kommer i arbete",
}
SERVES = {
    "business_climate_nki": "employment",
    "new_business_land": "employment",
    "direction_business_climate": "employment",
    "safety_index": "safety",
    "smallhouse_starts": "quality_of_life",
    "smallhouse_self_build_share": "quality_of_life",
    "result_share": "innovation",
    "self_financing": "innovation",
    "soliditet": "innovation",
}
KINDS_THE_PLAN_NEEDS = {"threshold_in_year", "threshold_every_year", "period_average", "share", "amount_in_year", "none", "direction"}


@pytest.fixture(scope="module")
def plan():
    return load_plan()


def test_bundled_plan_loads(plan):
    assert plan.id == "helsingborg-ks-2025"
    assert (plan.municipality_code, plan.municipality_name, plan.plan_year) == ("1283", "Helsingborg", 2025)
    assert plan.source_path == str(bundled_plan_path())
    assert load_plan(bundled_plan_path()) == plan  # default and explicit path agree


def test_exactly_the_seven_measurable_goals(plan):
    measurable = [g.id for g in plan.goals if g.measurable]
    assert len(measurable) == 7
    assert set(measurable) == MEASURABLE
    for goal in plan.goals:
        if goal.measurable:
            assert all(t.kind != "none" for t in goal.targets), goal.id
            assert all(t.value is not None and t.indicator_id for t in goal.targets), goal.id


def test_qualitative_goals_have_no_number_and_new_land_a_wanted_direction(plan):
    qualitative = {g.id: g for g in plan.goals if not g.measurable}
    assert set(qualitative) == QUALITATIVE
    kinds = {g.id: [(t.id, t.kind, t.indicator_id, t.direction) for t in g.targets] for g in qualitative.values()}
    assert kinds == {
        # no Kolada KPI counts knowledge-intensive companies (the plan's comment): followed up in words
        "direction_business_climate": [("direction_business_climate", "none", None, "higher")],
        "new_business_land": [
            ("new_business_land__sellable_business_land", "direction", "sellable_business_land", "higher")
        ],
    }
    assert all(t.value is None for g in qualitative.values() for t in g.targets)
    assert len(plan.goals) == len(MEASURABLE) + len(QUALITATIVE)


def test_the_three_bundled_plans_parse():
    assert [load_plan(name).id for name in (PARENT, "helsingborg_ks_2025", "lund_ks_2025")] == [
        "helsingborg-inriktningar-2023-2026", "helsingborg-ks-2025", "lund-ks-2025-demo"
    ]
    assert load_plan("lund_ks_2025").parent is None and all(g.serves is None for g in load_plan("lund_ks_2025").goals)


def test_the_city_directions_are_a_parent_plan_of_four_qualitative_goals():
    parent = load_plan(PARENT)
    assert (parent.parent, parent.municipality_code) == (None, "1283")
    assert {g.id: g.title for g in parent.goals} == DIRECTIONS
    for goal in parent.goals:
        assert goal.measurable is False and goal.level == "stadens inriktning"
    # each direction wants its Kolada KPI to increase (a target of kind direction, judged by the trend);
    # N00401, emissions, wanted lower, is context beside quality of life
    judged = {g.id: [(t.kind, parent.indicator(t.indicator_id).source_id, t.direction) for t in g.targets]
              for g in parent.goals}
    assert judged == {"innovation": [("direction", "N00999", "higher")], "safety": [("direction", "N00301", "higher")],
                      "quality_of_life": [("direction", "N00310", "higher")],
                      "employment": [("direction", "N02267", "higher")]}
    context = {g.id: [parent.indicator(i).source_id for i in g.context_indicator_ids] for g in parent.goals}
    assert context == {"innovation": [], "safety": [], "quality_of_life": ["N00401"], "employment": []}


def test_every_bundled_kolada_kpi_has_its_title_in_the_real_catalogue():
    """The title a plan checks every run is the one Kolada's real catalogue carries, for a KPI published
    for municipalities (type K, or A: municipalities and regions)."""
    catalogue = {kpi["id"]: kpi for kpi in json.loads(KPI_CATALOGUE.read_text(encoding="utf-8"))}
    for name in bundled_plan_names():
        for indicator in load_plan(name).indicators_from("kolada"):
            kpi = catalogue[indicator.source_id]
            assert (indicator.source_title, kpi["municipality_type"] in "KA") == (kpi["title"], True), (name, indicator.id)


def test_each_ks_goal_serves_a_city_direction(plan):
    assert plan.parent == load_plan(PARENT).id
    assert {g.id: g.serves for g in plan.goals} == SERVES
    assert set(SERVES.values()) == set(DIRECTIONS)  # every direction has a goal under it
    assert not any(g.id.startswith("city_direction") or g.level == "stadens inriktning" for g in plan.goals)


def test_every_kind_the_plan_needs_is_there(plan):
    used = {rule.kind for _, rule in plan.targets()}
    assert used == KINDS_THE_PLAN_NEEDS
    assert KINDS_THE_PLAN_NEEDS <= set(TARGET_KINDS)


def test_plan_targets_as_adopted(plan):
    rules = {rule.id: rule for _, rule in plan.targets()}
    assert (rules["nki_2025"].kind, rules["nki_2025"].value, rules["nki_2025"].year) == ("threshold_in_year", 76, 2025)
    assert rules["nki_2025"].indicator_id == "nki_total"
    assert plan.indicator("nki_total").source_id == "U07453"
    assert plan.indicator("nki_total").series_break_years == (2024,)
    avg = rules["result_share_avg_2023_2026"]
    assert (avg.kind, avg.value, avg.start_year, avg.end_year) == ("period_average", 2, 2023, 2026)
    share = rules["self_build_share_2022_2026"]
    assert share.kind == "share" and share.denominator_indicator_id == "smallhouse_starts"
    assert share.value == pytest.approx(1 / 3)
    goals_by_target = {rule.id: goal.id for goal, rule in plan.targets()}
    assert goals_by_target["result_share_2025"] == goals_by_target["result_share_avg_2023_2026"] == "result_share"
    # The result goal in both percent and mnkr (316 mnkr in 2025), on the city's own measures.
    assert goals_by_target["result_2025_mnkr"] == "result_share"
    mnkr = rules["result_2025_mnkr"]
    assert (mnkr.kind, mnkr.value, mnkr.year, mnkr.unit) == ("amount_in_year", 316, 2025, "mnkr")
    assert mnkr.indicator_id == "result_adjusted_mnkr" and plan.indicator("result_adjusted_mnkr").unit == "mnkr"
    assert rules["result_share_2025"].indicator_id == rules["result_share_avg_2023_2026"].indicator_id == "result_adjusted_share"
    # The finance goals are judged on the city's statements (computed), with Kolada's ratio as context.
    for target_id, own, kolada in [
        ("soliditet_min_63", "soliditet_city", "soliditet_incl_pensions"),
        ("self_financing_min_75", "self_financing_city", "self_financing_investments"),
        ("result_share_2025", "result_adjusted_share", "result_share_of_tax"),
    ]:
        assert rules[target_id].indicator_id == own
        indicator = plan.indicator(own)
        assert (indicator.source, indicator.source_id) == ("computed", "financial_statements")
        assert indicator.reconcile_with == kolada and indicator.reconcile_tolerance > 0
    # Kolada's soliditet is lower by definition: a by-design comparison with its reason and expected gap;
    # the other measures are expected to agree with Kolada's within their tolerance.
    soliditet = plan.indicator("soliditet_city")
    assert (soliditet.reconcile_kind, soliditet.reconcile_expected_difference, soliditet.reconcile_tolerance) == ("by_design", 15, 5)
    assert "internal bank" in soliditet.reconcile_reason
    for measure in ("self_financing_city", "result_adjusted_share", "tax_grants_equalisation_mnkr"):
        indicator = plan.indicator(measure)
        assert (indicator.reconcile_kind, indicator.reconcile_expected_difference) == ("agree", None), measure
        goal = next(g for g in plan.goals if g.id == goals_by_target[target_id])
        assert kolada in goal.context_indicator_ids
    assert plan.indicator("safety_index").source == "computed"
    assert len(plan.indicator("safety_index").method.components) == 6


# --- another municipality, no code change --------------------------------------------------------

LUND = """
[plan]
id = "lund-ks-2026"
title = "Verksamhetsplan 2026, kommunstyrelsen"
municipality_code = "1281"
municipality_name = "Lund"
plan_year = 2026
first_year = 2020

[[indicators]]
id = "nki_total"
title = "Nöjd-Kund-Index (Insikt), totalt"
unit = "index 0-100"
decimals = 1
direction = "higher"
source = "kolada"
source_id = "U07453"
source_title = "Företagsklimat Insikt - Totalt, Index, ny definition"

[[goals]]
id = "business_climate"
title = "Företagsklimatet ska nå ett NKI på minst 78 år 2026"
  [[goals.targets]]
  id = "nki_2026"
  kind = "threshold_in_year"
  indicator = "nki_total"
  value = 78
  year = 2026
"""


class _RecordingTransport:
    """Answers every request with an empty Kolada page and remembers the URLs."""

    def __init__(self):
        self.urls: list[str] = []

    def request(self, source, method, url, json_body=None) -> Fetched:
        self.urls.append(url)
        body = b'{"values": [], "count": 0, "next_url": null, "previous_url": null}'
        return Fetched(source, method, url, 200, {}, body, "2026-01-01T00:00:00+00:00")


def test_another_municipalitys_plan_loads_and_drives_the_requests(tmp_path, monkeypatch):
    path = tmp_path / "lund_ks_2026.toml"
    path.write_text(LUND, encoding="utf-8")
    plan = load_plan(path)
    assert (plan.id, plan.municipality_code, plan.municipality_name, plan.first_year) == ("lund-ks-2026", "1281", "Lund", 2020)
    assert [g.id for g in plan.goals] == ["business_climate"]
    (goal, rule), = plan.targets()
    assert goal.measurable is True  # the default
    assert (rule.kind, rule.value, rule.year, rule.direction) == ("threshold_in_year", 78.0, 2026, "higher")
    assert plan.source_path == str(path)
    # The same Kolada step asks for Lund's KPI, municipality and years.
    monkeypatch.delenv("KOLADA_BASE_URL", raising=False)
    transport = _RecordingTransport()
    KoladaClient(transport).fetch_values(kolada_steps.kpi_ids(plan), [plan.municipality_code], range(plan.first_year, 2026))
    assert transport.urls == [
        "https://api.kolada.se/v3/data/kpi/U07453/municipality/1281/year/2020,2021,2022,2023,2024,2025?per_page=5000"
    ]
    assert kolada_steps.expected_titles(plan) == {"U07453": "Företagsklimat Insikt - Totalt, Index, ny definition"}


# --- invalid plan files --------------------------------------------------------------------------


def _write(tmp_path: Path, text: str) -> Path:
    tomllib.loads(text)  # the cases below are valid TOML; only the catalogue rules reject them
    path = tmp_path / "broken_plan.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _refused(tmp_path: Path, text: str) -> str:
    path = _write(tmp_path, text)
    with pytest.raises(CatalogueError) as info:
        load_plan(path)
    message = str(info.value)
    assert str(path) in message, message
    assert "\n" not in message
    return message


def test_the_lund_plan_is_a_valid_base_for_the_broken_ones(tmp_path):
    """So each case below fails for its one change only; and it reads as written."""
    plan = load_plan(_write(tmp_path, LUND))
    assert (plan.id, plan.municipality_code, plan.municipality_name, plan.plan_year, plan.first_year) == (
        "lund-ks-2026", "1281", "Lund", 2026, 2020
    )
    assert [(i.id, i.source, i.source_id, i.direction, i.decimals) for i in plan.indicators] == [
        ("nki_total", "kolada", "U07453", "higher", 1)
    ]
    assert [(goal.id, rule.id, rule.kind, rule.indicator_id, rule.value, rule.year, rule.direction) for goal, rule in plan.targets()] == [
        ("business_climate", "nki_2026", "threshold_in_year", "nki_total", 78, 2026, "higher")  # the indicator's direction
    ]
    assert plan.peers.kind == "none"  # no [peers]: no comparison


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("first_year = 2020", "first_yaer = 2020", "line 2: [plan]: unknown field(s) first_yaer; expected"),
        ('source = "kolada"', 'source = "kolada"\nsoruce_title = "x"', "line 11: indicator 'nki_total': unknown field 'soruce_title'"),
        ("  year = 2026", '  year = "next"', "target 'nki_2026': year 'next': Input should be a valid integer"),
        ('municipality_code = "1281"', "municipality_code = 1281", "[plan]: municipality_code 1281: Input should be a valid string"),
    ],
    ids=["misspelt-plan-field", "misspelt-indicator-field", "year-not-a-number", "code-not-a-string"],
)
def test_a_misspelt_field_or_a_wrong_type_is_refused_naming_field_and_value(tmp_path, old, new, expected):
    """A misspelt field would otherwise quietly take its default (first_year 2015, no source_title check)."""
    assert expected in _refused(tmp_path, LUND.replace(old, new, 1))


def test_serves_without_a_parent_is_refused_naming_the_goals_line(tmp_path):
    text = LUND.replace('title = "Företagsklimatet', 'serves = "employment"\ntitle = "Företagsklimatet', 1)
    message = _refused(tmp_path, text)
    assert "line 21: goal 'business_climate' serves 'employment' but the plan names no parent ([plan] parent)" in message
    # With a parent it loads; the parent need not be a plan of this run (it may be refreshed separately).
    plan = load_plan(_write(tmp_path, text.replace("first_year = 2020", 'first_year = 2020\nparent = "lund-inriktningar"', 1)))
    assert (plan.parent, plan.goals[0].serves) == ("lund-inriktningar", "employment")


def test_unknown_kind_is_refused(tmp_path):
    message = _refused(tmp_path, LUND.replace('kind = "threshold_in_year"', 'kind = "threshold_by_year"'))
    assert "'nki_2026'" in message
    assert "kind 'threshold_by_year' is not one of threshold_in_year, threshold_every_year" in message  # lists what is allowed


def test_period_average_without_value_is_refused(tmp_path):
    text = LUND.replace('kind = "threshold_in_year"', 'kind = "period_average"\n  start_year = 2023\n  end_year = 2026')
    text = text.replace("  value = 78\n", "")
    message = _refused(tmp_path, text)
    assert "'nki_2026'" in message
    assert "missing field 'value'" in message


def test_period_average_without_end_year_is_refused(tmp_path):
    text = LUND.replace('kind = "threshold_in_year"', 'kind = "period_average"\n  start_year = 2023')
    message = _refused(tmp_path, text)
    assert "missing field 'end_year'" in message


def test_unknown_indicator_reference_is_refused(tmp_path):
    message = _refused(tmp_path, LUND.replace('indicator = "nki_total"', 'indicator = "nki_totl"'))
    assert "'business_climate'" in message
    assert "unknown indicator 'nki_totl'" in message


def test_unknown_context_indicator_is_refused(tmp_path):
    text = LUND.replace('title = "Företagsklimatet', 'context_indicators = ["nki_old"]\ntitle = "Företagsklimatet')
    message = _refused(tmp_path, text)
    assert "unknown indicator 'nki_old'" in message


def test_duplicate_target_id_is_refused(tmp_path):
    second = """
[[goals]]
id = "business_climate_again"
title = "Ett annat mål med samma target-id"
  [[goals.targets]]
  id = "nki_2026"
  kind = "none"
"""
    message = _refused(tmp_path, LUND + second)
    assert "duplicate target id 'nki_2026'" in message


def _with_reconciliation(fields: str) -> str:
    """LUND plus the city's own NKI, reconciled with Kolada's by `fields` (TOML lines)."""
    own = f"""
[[indicators]]
id = "nki_city"
title = "NKI enligt stadens egen mätning"
unit = "index 0-100"
source = "filedrop"
source_id = "safety_survey"
value_column = "value"
source_selection = {{ key_figure_id = "NKI", respondent_group = "företag" }}
reconcile_with = "nki_total"
{fields}
"""
    return LUND.replace("\n[[goals]]", own + "\n[[goals]]", 1)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ("reconcile_tolerance = 2", ("agree", None, None, 2.0)),
        ('reconcile_kind = "agree"\nreconcile_tolerance = 0\nreconcile_reason = "Same survey."', ("agree", "Same survey.", None, 0.0)),
        ('reconcile_kind = "by_design"\nreconcile_reason = "Other questions."', ("by_design", "Other questions.", None, None)),
        ('reconcile_kind = "by_design"\nreconcile_reason = "Other questions."\nreconcile_expected_difference = -3\nreconcile_tolerance = 1.5',
         ("by_design", "Other questions.", -3.0, 1.5)),
    ],
    ids=["agree-by-default", "agree-with-reason", "by-design", "by-design-expected-difference"],
)
def test_reconciliation_kinds_load(tmp_path, fields, expected):
    indicator = load_plan(_write(tmp_path, _with_reconciliation(fields))).indicator("nki_city")
    assert indicator.reconcile_with == "nki_total"
    got = (indicator.reconcile_kind, indicator.reconcile_reason, indicator.reconcile_expected_difference, indicator.reconcile_tolerance)
    assert got == expected


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ("", 'reconcile_kind "agree" needs reconcile_tolerance'),
        ("reconcile_tolerance = 2\nreconcile_expected_difference = 5", "an agreement expects a difference of 0"),
        ('reconcile_kind = "by_design"\nreconcile_expected_difference = 5\nreconcile_tolerance = 1', 'needs reconcile_reason'),
        ('reconcile_kind = "by_design"\nreconcile_reason = "x"\nreconcile_expected_difference = 5', "together"),
        ('reconcile_kind = "by_design"\nreconcile_reason = "x"\nreconcile_tolerance = 1', "together"),
        ('reconcile_kind = "by_design"\nreconcile_reason = " "', "reconcile_reason must be a sentence"),
        ('reconcile_kind = "roughly"\nreconcile_tolerance = 1', "reconcile_kind 'roughly' is not one of agree, by_design"),
        ("reconcile_tolerance = -1", "must not be negative"),
    ],
    ids=["agree-without-tolerance", "agree-with-expected-difference", "by-design-without-reason",
         "expected-difference-without-tolerance", "tolerance-without-expected-difference", "blank-reason",
         "unknown-kind", "negative-tolerance"],
)
def test_incomplete_or_contradictory_reconciliations_are_refused(tmp_path, fields, message):
    refused = _refused(tmp_path, _with_reconciliation(fields))
    assert "'nki_city'" in refused and message in refused


def test_reconciliation_details_without_reconcile_with_are_refused(tmp_path):
    text = _with_reconciliation('reconcile_kind = "by_design"\nreconcile_reason = "x"').replace('reconcile_with = "nki_total"\n', "")
    assert "reconcile_with" not in text
    assert "reconcile_kind, reconcile_reason without reconcile_with" in _refused(tmp_path, text)


def test_unreadable_plan_file_is_a_catalogue_error(tmp_path):
    path = tmp_path / "no_such_plan.toml"
    with pytest.raises(CatalogueError, match="no_such_plan.toml"):
        load_plan(path)
    broken = tmp_path / "not_toml.toml"
    broken.write_text("[plan\nid = 1", encoding="utf-8")
    with pytest.raises(CatalogueError, match="not_toml.toml"):
        load_plan(broken)


def test_toml_syntax_error_names_file_line_and_column(tmp_path):
    broken = tmp_path / "broken_syntax.toml"
    broken.write_text('[plan]\nid = "x"\ntitle = \n', encoding="utf-8")
    with pytest.raises(CatalogueError) as info:
        load_plan(broken)
    message = str(info.value)
    assert message.startswith(f"plan file {broken}, line 3, column 9: invalid TOML: "), message
    assert "\n" not in message


def test_catalogue_error_names_the_line_of_the_table(tmp_path):
    text = bundled_plan_path().read_text(encoding="utf-8")
    lines = text.splitlines()
    index = next(i for i, line in enumerate(lines) if line == '[[indicators]]') + 1
    ident = lines[index].split('"')[1]
    source_at = next(i for i in range(index, len(lines)) if lines[i].startswith("source = "))
    lines[source_at] = 'source = "nowhere"'
    broken = tmp_path / "broken_source.toml"
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(CatalogueError) as info:
        load_plan(broken)
    message = str(info.value)
    assert message.startswith(f"plan file {broken}, line {index + 1}: indicator {ident!r}: source 'nowhere'"), message


# --- read once per run ---------------------------------------------------------------------------


def test_the_plan_is_read_once_per_settings_and_the_resource_builds_its_settings_once(tmp_path):
    from assets.resources import PipelineResource
    from indicator_pipeline.settings import Settings

    settings = Settings(warehouse_path=tmp_path / "w.duckdb", source_mode="replay", as_of="2026-11-20")
    assert settings.plan is settings.plan and settings.plan == load_plan()
    resource = PipelineResource.from_settings(settings)
    assert (resource.warehouse_path, resource.as_of, resource.plan_path) == (str(tmp_path / "w.duckdb"), "2026-11-20", "")
    assert resource.settings is resource.settings
    assert resource.settings == settings  # the same settings, rebuilt from the resource's config


def test_a_bad_setting_from_the_environment_is_one_line_naming_the_variable(monkeypatch):
    from indicator_pipeline.settings import Settings

    monkeypatch.setenv("INDICATOR_AS_OF", "2026-13-01")
    with pytest.raises(ValueError) as info:
        Settings.from_env()
    assert str(info.value).startswith("INDICATOR_AS_OF '2026-13-01': Input should be a valid date"), info.value
    monkeypatch.setenv("INDICATOR_AS_OF", "")  # empty is unset
    monkeypatch.setenv("INDICATOR_SOURCE_MODE", "replay")
    assert Settings.from_env().source_mode == "replay" and Settings.from_env().as_of is None
    assert Settings.from_env(source_mode="live").source_mode == "live"  # a flag wins over the environment
