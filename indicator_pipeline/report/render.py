"""The scorecard as one self-contained HTML page, from the Jinja templates in templates/. Jinja escapes
every text that comes from the warehouse or the plan file (autoescape), and a name a template uses but
is not given is an error, not an empty cell (StrictUndefined). Python only groups the rows per goal and
works out the charts' shapes."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from functools import partial
from itertools import groupby

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from indicator_pipeline.report import charts
from indicator_pipeline.report.data import ReportData, Reports
from indicator_pipeline.report.labels import LABELS, number, text, unit_label, worded

TEMPLATES = Environment(
    loader=PackageLoader("indicator_pipeline.report"),  # indicator_pipeline/report/templates/
    autoescape=True,  # every template is HTML
    undefined=StrictUndefined,
    finalize=lambda value: "" if value is None else value,  # an absent text shows as nothing, never "None"
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def _day(value):
    """A timestamp shown as its date."""
    return value.date().isoformat() if isinstance(value, datetime) else value


TEMPLATES.filters["day"] = _day


def _decimals(row: dict) -> int:
    """A share is shown in percent with one decimal, others to the indicator's decimals."""
    return 1 if row["unit"] == "share" else int(row["decimals"] or 0)


ILLUSTRATIVE = "illustrative"  # a demonstration figure (docs/provenance.md): marked wherever it is shown


def _value(row: dict, key: str, lang: str) -> str:
    """The value of `key`, marked * when its provenance (the column `<key>_provenance`) is illustrative."""
    value = row[key]
    shown = number(None if value is None else value * charts.scale_for(row["unit"]), _decimals(row), lang)
    if value is None or row.get(f"{key}_provenance") != ILLUSTRATIVE:
        return shown
    return escape(shown) + Markup('<span class="illustrative-mark" title="{}">*</span>').format(text(lang, "illustrative_mark"))


def _years(years) -> str:
    """Years as ranges: 2015–2019, 2021 (the years of a run of consecutive ones share year - position)."""
    runs = [[y for _, y in run] for _, run in groupby(enumerate(sorted(set(years))), lambda pair: pair[1] - pair[0])]
    return ", ".join(charts.span(run[0], run[-1]) for run in runs)


def _illustrative(rows) -> list[str]:
    """The illustrative values among `rows` (of sql/report/series.sql): each indicator's title and years."""
    by_indicator: dict[str, list[int]] = defaultdict(list)
    for r in rows:
        if r["value_provenance"] == ILLUSTRATIVE:
            by_indicator[r["indicator_title"] or r["indicator_id"]].append(r["year"])
    return [f"{title} {_years(years)}" for title, years in by_indicator.items()]


def _illustrative_notes(rows: list[dict], lang: str) -> list[str]:
    """A chart's note naming its illustrative values, if it has any."""
    named = _illustrative(rows)
    return [text(lang, "illustrative_years").format(years="; ".join(named))] if named else []


def _demonstration(data: ReportData, lang: str) -> list[str]:
    """What the page's demonstration-data banner lists: each indicator shown with illustrative values and
    their years, and the peer comparison if it shows any; none when the page shows none."""
    named = _illustrative(data.series.iter_rows(named=True))
    peer_columns = [c for c in data.peers.columns if c.endswith("_provenance")]
    if any(data.peers[c].eq(ILLUSTRATIVE).any() for c in peer_columns):
        named.append(text(lang, "demo_peers"))
    return named


def _points(rows: list[dict]) -> list[charts.Point]:
    return [
        charts.Point(int(r["year"]), float(r["value"]), bool(r["preliminary"]), bool(r["complete"]), bool(r["series_break_before"]))
        for r in sorted(rows, key=lambda r: r["year"])
    ]


def _target_charts(targets: list[dict], series: list[dict], lang: str) -> list[dict]:
    """One chart per indicator the goal sets targets on, every such target drawn in."""
    by_indicator: dict[str, list[dict]] = defaultdict(list)
    for t in targets:
        if t["target_kind"] != "none" and t["indicator_id"]:
            by_indicator[t["indicator_id"]].append(t)
    shown = []
    for indicator_id, its_targets in by_indicator.items():
        first = its_targets[0]
        rows = [r for r in series if r["role"] == "target" and r["target_id"] == first["target_id"]]
        shapes = charts.chart([(text(lang, "value"), _points(rows))], its_targets, first["unit"],
                              _decimals(first), lang) if rows else None
        notes = sorted({r["break_note"] for r in rows if r["break_note"] and r["series_break_before"]}) + _illustrative_notes(rows, lang)
        shown.append({"caption": first["indicator_title"] or indicator_id, "notes": notes, "shapes": shapes})
    return shown


def _context_charts(series: list[dict], lang: str) -> list[dict]:
    """The goal's context series, one chart per unit."""
    by_unit: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for r in series:
        if r["role"] == "context":
            by_unit[r["unit"] or ""][r["indicator_id"]].append(r)
    shown = []
    for unit, indicators in by_unit.items():
        lines = [(rows[0]["indicator_title"] or key, _points(rows)) for key, rows in indicators.items()]
        decimals = max(0, *(int(rows[0]["decimals"] or 0) for rows in indicators.values()))
        shapes = charts.chart(lines, [], unit or None, decimals, lang, first_colour=1)
        notes = _illustrative_notes([r for rows in indicators.values() for r in rows], lang)
        shown.append({"unit": unit, "shapes": shapes, "notes": notes})
    return shown


def _section(goal_id: str, targets: list[dict], data: ReportData, lang: str) -> dict:
    """What goal.html.j2 shows of one goal; `targets` are its rows of report/goals.sql, in plan order."""

    def rows(frame):
        return frame.filter(frame["goal_id"] == goal_id).to_dicts()

    series, peers = rows(data.series), rows(data.peers)
    target_charts, context_charts = _target_charts(targets, series, lang), _context_charts(series, lang)
    drawn = [c["shapes"] for c in target_charts + context_charts if c["shapes"]]
    for n, shapes in enumerate(drawn, 1):
        shapes["id"] = f"chart-{goal_id}-{n}"  # the figure's anchor, and what its svg's aria attributes name
    return dict(
        id=goal_id, targets=targets, has_series=bool(series), peers=peers, quality=rows(data.quality),
        target_charts=target_charts, context_charts=context_charts,
        county=next((r["county_name"] for r in peers if r["county_name"]), None),  # shown beside Riket
        sources=rows(data.sources), history=rows(data.history),
    )


def _page(template: str, lang: str, **values) -> str:
    return TEMPLATES.get_template(template).render(lang=lang, t=LABELS[lang]["text"], statuses=LABELS[lang]["status"], **values)


def render(data: ReportData, lang: str = "sv") -> str:
    """One plan's page."""
    goals = [worded(row, lang) for row in data.goals.to_dicts()]
    if not goals:
        raise ValueError("the warehouse has no goals to report")
    by_goal: dict[str, list[dict]] = defaultdict(list)
    for row in goals:
        by_goal[row["goal_id"]].append(row)
    return _page(
        "scorecard.html.j2",
        lang,
        unit=partial(unit_label, lang),
        value=partial(_value, lang=lang),
        as_of=_day(data.as_of_override or goals[0]["as_of"]),
        reassessed=data.as_of_override is not None,
        demo=_demonstration(data, lang),
        goals=goals,
        changes=data.changes.to_dicts(),
        reasons=LABELS[lang]["change_reason"],
        source_names=LABELS[lang]["source_names"],
        sections=[_section(goal_id, rows, data, lang) for goal_id, rows in by_goal.items()],
    )


def render_index(reports: Reports, pages: dict[str, str], lang: str = "sv") -> str:
    """The index: every plan of `reports` with its status counts, linking to its page and each goal's section
    there (`pages`: plan id -> file name). A column per status the plans have, in the labels' order, then any other alphabetically."""
    plans: dict[str, dict] = {}
    for row in reports.plans.to_dicts():
        goals = reports.pages[row["plan_id"]].goals.unique("goal_id", maintain_order=True).to_dicts()
        plan = plans.setdefault(row["plan_id"], {**row, "page": pages[row["plan_id"]], "counts": {}, "goals": goals})
        if row["status"] is not None:
            plan["counts"][row["status"]] = row["targets"]
    present = {status for plan in plans.values() for status in plan["counts"]}
    known = list(LABELS[lang]["status"])
    shown = [s for s in known if s in present] + sorted(present - set(known))
    return _page("index.html.j2", lang, plans=[plans[plan_id] for plan_id in pages], shown_statuses=shown,
                 reassessed=reports.as_of_override)
