"""Static charts as inline SVG: a goal's yearly values with its targets drawn in, and its context
series. Python works out the shapes in pixels; templates/chart.svg.j2 writes them, so every text on a
chart is escaped like the rest of the page. Text stays text in the reader's sans-serif font."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from indicator_pipeline.report.labels import number, text, unit_label

PALETTE = ["#1f5f99", "#c26a00", "#2e7d32", "#7b1fa2", "#00838f", "#6d4c41", "#ad1457", "#546e7a", "#9e9d24", "#283593", "#d84315"]
TARGET_COLOUR = "#c62828"
TARGET_ACROSS, TARGET_OVER = (TARGET_COLOUR, "6 3", 1.4), (TARGET_COLOUR, "6 3", 1.6)  # colour, dashes, width
AVERAGE, REQUIRED = ("#455a64", "1.5 2.5", 1.6), ("#ef6c00", "9 3 2 3", 2.4)  # no two lines differ by colour alone
MARKERS = ["circle", "square", "down", "hexagon"]  # a series' points: its own shape, shown in the legend too
WIDTH, LEFT, RIGHT, TOP, BELOW = 920, 64, 560, 16, 30  # pixels: the plot area, then the legend right of it


@dataclass(frozen=True)
class Point:
    year: int
    value: float
    preliminary: bool
    complete: bool
    series_break_before: bool


@dataclass
class Chart:
    """What one chart draws, in years and values as shown. A line is (colour, dash, width, legend label
    or None, points); x = ±inf reaches across the whole plot. A mark is (shape, colour, hollow, x, y).
    `markers`: a legend label -> the shape its points have; `levels`: the target lines' labels."""

    lines: list[tuple] = field(default_factory=list)
    marks: list[tuple] = field(default_factory=list)
    breaks: list[float] = field(default_factory=list)
    years: list[int] = field(default_factory=list)  # the span the x axis shows
    markers: dict[str, str] = field(default_factory=dict)
    levels: list[str] = field(default_factory=list)


def scale_for(unit: str | None) -> float:
    """Shares (0-1) are drawn in percent."""
    return 100.0 if unit == "share" else 1.0


def _segments(points: list[Point]) -> list[list[Point]]:
    """Whole years split at series breaks: a line never joins values across a break."""
    segments: list[list[Point]] = []
    for point in points:
        if not point.complete:
            continue
        if not segments or point.series_break_before:
            segments.append([])
        segments[-1].append(point)
    return segments


def _add_series(chart: Chart, points: list[Point], scale: float, colour: str, marker: str, label: str) -> None:
    points = [replace(p, value=p.value * scale) for p in points]
    chart.markers[label] = marker
    for i, segment in enumerate(_segments(points)):
        chart.lines.append((colour, "none", 1.8, None if i else label, [(p.year, p.value) for p in segment]))
        chart.marks += [(marker, colour, p.preliminary, p.year, p.value) for p in segment]
    chart.marks += [("triangle", colour, True, p.year, p.value) for p in points if not p.complete]
    chart.breaks += [p.year - 0.5 for p in points if p.series_break_before]
    chart.years += [p.year for p in points]


def _add_target(chart: Chart, target: dict, scale: float, decimals: int, lang: str) -> None:
    """The target as a level: across the plot (a year's target) or over its period, where a period
    average also shows the average so far and the level still required per remaining year."""

    def level(style: tuple, key: str, value: float, first: float, last: float, years: object) -> None:
        shown = number(value * scale, decimals, lang)
        label = f"{text(lang, key)} {shown}" + (f" ({years})" if years else "")
        chart.levels.append(label)
        chart.lines.append((*style, label, [(first - 0.4, value * scale), (last + 0.4, value * scale)]))

    value, year = target.get("target_value"), target.get("target_year")
    start, end = target.get("period_start"), target.get("period_end")
    if value is None:
        return
    chart.years += [y for y in (year, start, end) if y]
    if start is None or end is None:
        level(TARGET_ACROSS, "target_line", value, -math.inf, math.inf, year)
        if year is not None:
            chart.marks.append(("diamond", TARGET_COLOUR, False, year, value * scale))
            chart.markers[chart.levels[-1]] = "diamond"
        return
    level(TARGET_OVER, "target_line", value, start, end, span(start, end))
    remaining = target.get("years_remaining") or 0
    average, required = target.get("average_so_far"), target.get("required_per_remaining_year")
    if target["target_kind"] == "period_average" and average is not None:
        level(AVERAGE, "average_so_far", average, start, end - remaining, None)
    if target["target_kind"] == "period_average" and required is not None and remaining > 0:
        level(REQUIRED, "required", required, end - remaining + 1, end, span(end - remaining + 1, end))


def span(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}–{last}"


def _ticks(low: float, high: float, smallest: float) -> list[float]:
    """At most about 8 round steps (1, 2 or 5 times a power of ten, never below `smallest`) in [low, high]."""
    wanted = max((high - low) / 8, smallest)
    power = 10 ** math.floor(math.log10(wanted))
    step = next(power * m for m in (1, 2, 5, 10) if power * m >= wanted)
    return [round(k * step, 10) for k in range(math.ceil(low / step), math.floor(high / step) + 1)]


def _layout(chart: Chart, unit: str | None, decimals: int, lang: str, height: int) -> dict:
    """The chart in pixels, for templates/chart.svg.j2: the x axis 0.7 year beyond the years shown,
    the y axis 5% beyond the values."""
    x0, x1 = min(chart.years) - 0.7, max(chart.years) + 0.7
    values = [v for *_, points in chart.lines for _, v in points] + [mark[4] for mark in chart.marks]
    pad = (max(values) - min(values)) * 0.05 or abs(values[0]) * 0.05 or 1.0
    y0, y1, bottom = min(values) - pad, max(values) + pad, height - BELOW

    def x(year: float) -> float:
        return round(LEFT + (min(max(year, x0), x1) - x0) / (x1 - x0) * (RIGHT - LEFT), 1)

    def y(value: float) -> float:
        return round(bottom - (value - y0) / (y1 - y0) * (bottom - TOP), 1)

    return {
        "width": WIDTH, "height": height, "left": LEFT, "right": RIGHT, "top": TOP, "bottom": bottom,
        "ylabel": unit_label(lang, unit), "incomplete": text(lang, "incomplete_mark"),
        "series_break": text(lang, "series_break"), "breaks": [x(year) for year in chart.breaks],
        "xticks": [(x(year), int(year)) for year in _ticks(x0, x1, 1)],
        "yticks": [(y(v), number(v, decimals, lang)) for v in _ticks(y0, y1, 10.0 ** -max(decimals, 0))],
        "lines": [(*style, " ".join(f"{x(a)},{y(b)}" for a, b in points)) for *style, points in chart.lines],
        "legend": [(*line[:4], chart.markers.get(line[3])) for line in chart.lines if line[3]],
        "marks": [(shape, colour, hollow, x(a), y(b)) for shape, colour, hollow, a, b in chart.marks],
    }


def _table(series: list[tuple[str, list[Point]]], scale: float, decimals: int, lang: str) -> dict:
    """The chart's values as a table, its text alternative: a row per year, a column per series, each
    value with its marks (preliminary, incomplete year, series break before it); a dash for no value."""

    def cell(p: Point | None) -> str:
        if p is None:
            return "–"
        marks = [key for key, on in (("preliminary_mark", p.preliminary), ("incomplete_mark", not p.complete),
                                     ("series_break", p.series_break_before)) if on]
        shown = number(p.value * scale, decimals, lang)
        return shown + (f" ({', '.join(text(lang, key).lower() for key in marks)})" if marks else "")

    by_year = [{p.year: p for p in points} for _, points in series]
    years = sorted({year for values in by_year for year in values})
    return {"columns": [title for title, _ in series], "rows": [(year, [cell(v.get(year)) for v in by_year]) for year in years]}


def chart(series: list[tuple[str, list[Point]]], targets: list[dict], unit: str | None, decimals: int,
          lang: str, first_colour: int = 0) -> dict:
    """Series of one unit, each its own line (colour and marker) never joined across a break, with every
    target drawn in; with the values as a table and the target levels in words."""
    drawn = Chart()
    for i, (title, points) in enumerate(series):
        short = title if len(title) <= 60 else title[:57] + "…"
        _add_series(drawn, points, scale_for(unit), PALETTE[(first_colour + i) % len(PALETTE)], MARKERS[i % len(MARKERS)], short)
    for target in targets:
        _add_target(drawn, target, scale_for(unit), decimals, lang)
    shapes = _layout(drawn, unit, decimals, lang, 280 if targets else 250 + 13 * max(len(series) - 3, 0))
    return {**shapes, "table": _table(series, scale_for(unit), decimals, lang), "levels": drawn.levels}
