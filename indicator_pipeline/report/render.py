"""The scorecard as one self-contained HTML page: inline CSS (screen and print), inline SVG charts,
nothing fetched from anywhere (a Content-Security-Policy says so to the browser too). Every text that
comes from the warehouse or the plan file is escaped."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from html import escape

from indicator_pipeline.report import charts
from indicator_pipeline.report.data import ReportData
from indicator_pipeline.report.labels import number, status_label, text, unit_label

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

CSS = """
:root { --ink: #1d232a; --muted: #5b6570; --line: #d9dee3; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif; color: var(--ink);
       margin: 0 auto; max-width: 1100px; padding: 24px; line-height: 1.45; background: #fff; }
h1 { font-size: 1.7rem; margin: 0 0 4px; } h2 { font-size: 1.25rem; margin: 0 0 6px; } h3 { font-size: 1rem; margin: 18px 0 6px; }
header p, .meta, .small { color: var(--muted); font-size: .9rem; margin: 2px 0; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #f3f5f7; font-weight: 600; } td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.badge { display: inline-block; padding: 2px 9px; border-radius: 999px; font-size: .8rem; font-weight: 700; white-space: nowrap;
         border: 1px solid transparent; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.status-met { background: #1b7a3a; color: #fff; } .status-not_met { background: #b3261e; color: #fff; }
.status-on_track { background: #d6f0dc; color: #14532d; border-color: #1b7a3a; }
.status-off_track { background: #ffe4c2; color: #7a3b00; border-color: #c26a00; }
.status-no_data { background: #e6e8eb; color: #333; border-color: #8a939c; }
.status-no_numeric_target { background: #fff; color: #46515c; border-color: #8a939c; border-style: dashed; }
section.goal { border-top: 3px solid var(--ink); margin-top: 32px; padding-top: 12px; }
.targets { margin: 8px 0; } .target { margin: 4px 0; }
figure { margin: 8px 0; } figure svg { max-width: 100%; height: auto; display: block; }
figcaption { font-size: .85rem; color: var(--muted); }
ul { margin: 4px 0; padding-left: 20px; } li { margin: 2px 0; }
.ok { color: #1b7a3a; font-weight: 600; } .fail { color: #b3261e; font-weight: 600; }
.note { font-size: .9rem; }
a { color: #1f5f99; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  @page { size: A4; margin: 14mm; }
  section.goal { break-before: page; border-top: none; }
  figure, tr, .target { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
"""


def _e(value) -> str:
    return escape("" if value is None else str(value), quote=True)


def _badge(status: str | None, lang: str) -> str:
    status = status or "no_data"
    return f'<span class="badge status-{_e(status)}" data-status="{_e(status)}">{_e(status_label(lang, status))}</span>'


def _scale(row: dict) -> float:
    return charts.scale_for(row.get("unit"))


def _decimals(row: dict) -> int:
    return 1 if row.get("unit") == "share" else int(row.get("decimals") or 0)


def _value(row: dict, key: str, lang: str) -> str:
    value = row.get(key)
    return number(None if value is None else value * _scale(row), _decimals(row), lang)


def _when(row: dict) -> str:
    if row.get("period_start") is not None and row.get("period_end") is not None:
        return f"{row['period_start']}–{row['period_end']}"
    return "" if row.get("target_year") is None else str(row["target_year"])


def _latest(row: dict, lang: str) -> str:
    if row.get("latest_value") is None:
        return "–"
    shown = f"{_value(row, 'latest_value', lang)} {_e(unit_label(lang, row.get('unit')))} ({_e(row.get('latest_year'))})"
    if row.get("latest_preliminary"):
        shown += f" <span class=\"small\">{_e(text(lang, 'preliminary_mark'))}</span>"
    return shown


def _target(row: dict, lang: str) -> str:
    if row.get("target_value") is None:
        return "–"
    return f"{_value(row, 'target_value', lang)} {_e(unit_label(lang, row.get('unit')))} ({_e(_when(row))})"


def _date(value) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    return "" if value is None else str(value)


def _overview(goals: list[dict], lang: str) -> str:
    head = "".join(f"<th>{_e(text(lang, k))}</th>" for k in ("goal", "status", "latest", "target", "gap"))
    rows = []
    for row in goals:
        rows.append(
            f'<tr data-goal-id="{_e(row["goal_id"])}" data-target-id="{_e(row["target_id"])}">'
            f'<td><a href="#goal-{_e(row["goal_id"])}">{_e(row["goal_title"])}</a>'
            + (f'<div class="small">{_e(row["target_text"])}</div>' if row.get("target_text") else "")
            + f"</td><td>{_badge(row['status'], lang)}</td>"
            f'<td class="num">{_latest(row, lang)}</td><td class="num">{_target(row, lang)}</td>'
            f'<td class="num">{_value(row, "gap", lang)}</td></tr>'
        )
    return f'<section id="overview"><h2>{_e(text(lang, "overview"))}</h2><table><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></section>'


def _points(rows: list[dict]) -> list[charts.Point]:
    return [
        charts.Point(int(r["year"]), float(r["value"]), bool(r["preliminary"]), bool(r["complete"]), bool(r["series_break_before"]))
        for r in sorted(rows, key=lambda r: r["year"])
    ]


def _charts(goal_id: str, targets: list[dict], series: list[dict], lang: str) -> str:
    parts = []
    target_rows = defaultdict(list)
    for r in series:
        if r["role"] == "target":
            target_rows[(r["target_id"])].append(r)
    by_indicator: dict[str, list[dict]] = defaultdict(list)
    for t in targets:
        if t["target_kind"] != "none" and t.get("indicator_id"):
            by_indicator[t["indicator_id"]].append(t)
    for n, (indicator_id, its_targets) in enumerate(by_indicator.items()):
        rows = target_rows.get(its_targets[0]["target_id"], [])
        if not rows:
            parts.append(f'<p class="small">{_e(text(lang, "no_values"))}</p>')
            continue
        first = its_targets[0]
        svg = charts.target_chart(_points(rows), its_targets, first.get("unit"), int(first.get("decimals") or 0),
                                  text(lang, "value"), lang, salt=f"{goal_id}-target-{n}")
        caption = _e(first.get("indicator_title") or indicator_id)
        notes = {r["break_note"] for r in rows if r.get("break_note") and r["series_break_before"]}
        extra = "".join(f"<br>{_e(t)}" for t in sorted(notes))
        parts.append(f'<figure class="chart" data-role="target"><figcaption><strong>{caption}</strong>{extra}</figcaption>{svg}</figure>')
    context = [r for r in series if r["role"] == "context"]
    if context:
        by_unit: dict[str, dict[str, tuple[str, list]]] = defaultdict(dict)
        decimals: dict[str, int] = {}
        grouped: dict[tuple[str, str], list[dict]] = defaultdict(list)
        for r in context:
            grouped[(r["unit"] or "", r["indicator_id"])].append(r)
        for (unit, indicator_id), rows in grouped.items():
            by_unit[unit][indicator_id] = (rows[0]["indicator_title"] or indicator_id, _points(rows))
            decimals[unit] = max(decimals.get(unit, 0), int(rows[0]["decimals"] or 0))
        figures = []
        for n, (unit, series_by_indicator) in enumerate(by_unit.items()):
            svg = charts.context_chart(series_by_indicator, unit or None, decimals[unit], lang, salt=f"{goal_id}-context-{n}")
            figures.append(f'<figure class="chart" data-role="context"><figcaption>{_e(unit_label(lang, unit))}</figcaption>{svg}</figure>')
        parts.append(f'<h3>{_e(text(lang, "context"))}</h3>{"".join(figures)}')
    if by_indicator or context:
        parts.append(f'<p class="small">{_e(text(lang, "legend"))}</p>')
    return "".join(parts)


def _quality(rows: list[dict], lang: str) -> str:
    if not rows:
        return f'<p class="small">{_e(text(lang, "no_quality"))}</p>'
    items = []
    for r in rows:
        verdict = text(lang, "passed") if r["success"] else text(lang, "failed")
        detail = (
            text(lang, "expectations_passed", total=r["expectations"]) if not r["failed_expectations"]
            else text(lang, "expectations_failed", failed=r["failed_expectations"], total=r["expectations"])
        )
        css = "ok" if r["success"] else "fail"
        items.append(f'<li><span class="{css}">{_e(verdict)}</span> {_e(r["dataset"])}: {_e(detail)}</li>')
    first = rows[0]
    return (f'<ul>{"".join(items)}</ul><p class="small">{_e(text(lang, "run"))} {_e(first["run_id"])}, '
            f'{_e(_date(max(r["validated_at"] for r in rows)))}</p>')


def _sources(rows: list[dict], lang: str) -> str:
    items = []
    for r in rows:
        who = r.get("attribution") or r.get("licence") or r.get("source")
        licence = f" ({_e(r['licence'])})" if r.get("licence") and r.get("licence") != who else ""
        items.append(f'<li>{_e(who)}{licence}: {_e(r["dataset"])}, {_e(text(lang, "retrieved"))} {_e(_date(r["retrieved_at"]))}</li>')
    return f'<ul>{"".join(items)}</ul>' if items else '<p class="small">–</p>'


def _peers(rows: list[dict], lang: str) -> str:
    """The plan's position among its peers: one row per shown indicator, its latest ranked year."""
    if not rows:
        return ""
    county = next((r["county_name"] for r in rows if r.get("county_name")), None)
    heads = ["indicator", "year", "value", "rank", "peer_median", "riket"]
    head = "".join(f"<th>{_e(text(lang, h))}</th>" for h in heads) + (f"<th>{_e(county)}</th>" if county else "")
    body = []
    for r in rows:
        cells = [
            f"<td>{_e(r['indicator_title'])}</td>",
            f'<td class="num">{_e(r["year"])}</td>',
            f'<td class="num">{_e(_value(r, "value", lang))}</td>',
            f'<td class="num">{_e(text(lang, "rank_of", rank=r["rank"], count=r["peer_count"]))}</td>',
            f'<td class="num">{_e(_value(r, "peer_median", lang))}</td>',
            f'<td class="num">{_e(_value(r, "riket_value", lang))}</td>',
        ]
        if county:
            cells.append(f'<td class="num">{_e(_value(r, "county_value", lang))}</td>')
        body.append(f'<tr data-indicator-id="{_e(r["indicator_id"])}">{"".join(cells)}</tr>')
    return (f'<table class="peers"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
            f'<p class="small">{_e(text(lang, "peers_note"))}</p>')


def _goal_section(goal_id: str, targets: list[dict], data: ReportData, lang: str) -> str:
    first = targets[0]
    series = data.series.filter(data.series["goal_id"] == goal_id).to_dicts()
    sources = data.sources.filter(data.sources["goal_id"] == goal_id).to_dicts()
    quality = data.quality.filter(data.quality["goal_id"] == goal_id).to_dicts()
    peers = data.peers.filter(data.peers["goal_id"] == goal_id).to_dicts()
    meta = " · ".join(_e(v) for v in (first.get("area"), first.get("goal_level")) if v)
    target_lines = "".join(
        f'<div class="target" data-target-id="{_e(t["target_id"])}">{_badge(t["status"], lang)} '
        f'{_e(t.get("target_text") or "")}<div class="note small">{_e(t.get("note") or "")}</div></div>'
        for t in targets
    )
    parts = [
        f'<section class="goal" id="goal-{_e(goal_id)}" data-goal-id="{_e(goal_id)}">',
        f'<h2>{_e(first["goal_title"])}</h2><p class="meta">{meta}</p>',
        f'<div class="targets">{target_lines}</div>',
    ]
    if first.get("motivation"):
        parts.append(f'<h3>{_e(text(lang, "motivation"))}</h3><p>{_e(first["motivation"])}</p>')
    chart_html = _charts(goal_id, targets, series, lang)
    if chart_html:
        parts.append(f'<h3>{_e(text(lang, "chart"))}</h3>{chart_html}')
    if peers:
        parts.append(f'<h3>{_e(text(lang, "peers"))}</h3>{_peers(peers, lang)}')
    if series:
        parts.append(f'<h3>{_e(text(lang, "quality"))}</h3>{_quality(quality, lang)}')
        parts.append(f'<h3>{_e(text(lang, "sources"))}</h3>{_sources(sources, lang)}')
    parts.append("</section>")
    return "".join(parts)


def render(data: ReportData, lang: str = "sv") -> str:
    goals = data.goals.to_dicts()
    if not goals:
        raise ValueError("the warehouse has no goals to report")
    first = goals[0]
    as_of = data.as_of_override or first.get("as_of")
    by_goal: dict[str, list[dict]] = {}
    for row in goals:
        by_goal.setdefault(row["goal_id"], []).append(row)
    title = f"{text(lang, 'title')}: {first['plan_title']}"
    header = (
        f"<header><h1>{_e(title)}</h1>"
        f"<p>{_e(first['municipality_name'])} · {_e(text(lang, 'as_of'))} {_e(_date(as_of))}</p>"
        + (f'<p class="small">{_e(text(lang, "as_of_limitation", as_of=_date(as_of)))}</p>' if data.as_of_override else "")
        + "</header>"
    )
    sections = "".join(_goal_section(goal_id, rows, data, lang) for goal_id, rows in by_goal.items())
    return (
        f'<!DOCTYPE html>\n<html lang="{_e(lang)}"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{CSS}</style></head><body>"
        f"{header}{_overview(goals, lang)}{sections}</body></html>\n"
    )


def report_date(data: ReportData) -> date | None:
    return data.as_of_override or (data.goals["as_of"][0] if data.goals.height else None)
