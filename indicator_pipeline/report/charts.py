"""Static SVG charts with matplotlib (no browser, no pyplot state): a goal's yearly values with its
targets drawn in, and its context series. Text stays text in a generic font family (no embedded or
fetched fonts); `svg.hashsalt` makes the output byte-stable for the same data."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import matplotlib
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from indicator_pipeline.report.labels import number, text, unit_label

PALETTE = ["#1f5f99", "#c26a00", "#2e7d32", "#7b1fa2", "#00838f", "#6d4c41", "#ad1457", "#546e7a", "#9e9d24", "#283593", "#d84315"]
TARGET_COLOUR = "#c62828"
REQUIRED_COLOUR = "#ef6c00"
AVERAGE_COLOUR = "#455a64"
RC = {
    "svg.fonttype": "none",  # text as <text>, rendered with the reader's sans-serif font
    "text.parse_math": False,  # a title with "$" in it is text, not matplotlib's math markup
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Arial", "Helvetica", "sans-serif"],
    "font.size": 8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.6,
    "axes.axisbelow": True,
}


@dataclass(frozen=True)
class Point:
    year: int
    value: float
    preliminary: bool
    complete: bool
    series_break_before: bool


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


def _draw_series(ax, points: list[Point], colour: str, label: str, lang: str) -> None:
    for i, segment in enumerate(_segments(points)):
        ax.plot([p.year for p in segment], [p.value for p in segment], color=colour, linewidth=1.8,
                label=label if i == 0 else None, zorder=3)
        for preliminary in (False, True):
            shown = [p for p in segment if p.preliminary == preliminary]
            if shown:
                ax.plot([p.year for p in shown], [p.value for p in shown], marker="o", markersize=5, color=colour,
                        linestyle="none", zorder=4, markerfacecolor="white" if preliminary else colour, markeredgewidth=1.4)
    for p in points:
        if not p.complete:
            ax.plot([p.year], [p.value], marker="^", markersize=6, color=colour, markerfacecolor="white",
                    markeredgewidth=1.4, linestyle="none", zorder=4)
            ax.annotate(text(lang, "incomplete_mark"), (p.year, p.value), textcoords="offset points",
                        xytext=(0, 7), ha="center", fontsize=7, color="#555555")
    for p in points:
        if p.series_break_before:
            ax.axvline(p.year - 0.5, color="#555555", linestyle="--", linewidth=1.0, zorder=2)
            ax.annotate(text(lang, "series_break"), (p.year - 0.5, 1.0), xycoords=("data", "axes fraction"),
                        xytext=(3, -2), textcoords="offset points", ha="left", va="top", fontsize=7, color="#555555")


def _draw_target(ax, target: dict, scale: float, decimals: int, lang: str) -> None:
    value = target.get("target_value")
    if value is None:
        return
    value *= scale
    kind = target["target_kind"]
    start, end = target.get("period_start"), target.get("period_end")
    label = f"{text(lang, 'target_line')} {number(value, decimals, lang)}"
    if start is not None and end is not None:
        label += f" ({_years(start, end)})"
        ax.hlines(value, start - 0.4, end + 0.4, colors=TARGET_COLOUR, linestyles="--", linewidth=1.6, label=label, zorder=5)
    else:
        if target.get("target_year") is not None:
            label += f" ({target['target_year']})"
        ax.axhline(value, color=TARGET_COLOUR, linestyle="--", linewidth=1.4, label=label, zorder=5)
        if target.get("target_year") is not None:
            ax.plot([target["target_year"]], [value], marker="D", markersize=5, color=TARGET_COLOUR, zorder=5)
    if kind == "period_average" and start is not None and end is not None:
        average = target.get("average_so_far")
        if average is not None:
            average *= scale
            last = end - (target.get("years_remaining") or 0)
            ax.hlines(average, start - 0.4, last + 0.4, colors=AVERAGE_COLOUR, linestyles=":", linewidth=1.6,
                      label=f"{text(lang, 'average_so_far')} {number(average, decimals, lang)}", zorder=5)
        required, remaining = target.get("required_per_remaining_year"), target.get("years_remaining") or 0
        if required is not None and remaining > 0:
            required *= scale
            first = end - remaining + 1
            ax.hlines(required, first - 0.4, end + 0.4, colors=REQUIRED_COLOUR, linestyles="-", linewidth=2.4,
                      label=f"{text(lang, 'required')} {number(required, decimals, lang)} ({_years(first, end)})", zorder=5)


def _years(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}–{last}"


def _svg(fig: Figure, salt: str) -> str:
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": salt}):
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg"):]  # inline: no XML declaration or DOCTYPE
    return _compact(svg)


NUMBER = re.compile(r"-?\d+\.\d+")
GEOMETRY = re.compile(r'(\s(?:d|x|y|width|height|viewBox|transform)=")([^"]*)"')
LAYOUT_ID = re.compile(r' id="[A-Za-z][A-Za-z0-9.]*_\d+"')  # figure_1, axes_1, line2d_3...: unused, and repeated per chart


def _compact(svg: str) -> str:
    """Smaller and valid when several charts share one page: no metadata, no repeated layout ids
    (referenced ids are salted hashes, unique per chart), coordinates to 0.01 pt, no indentation."""
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    svg = LAYOUT_ID.sub("", svg)
    svg = GEOMETRY.sub(lambda m: m.group(1) + NUMBER.sub(lambda n: f"{float(n.group()):.2f}".rstrip("0").rstrip("."), m.group(2)) + '"', svg)
    svg = re.sub(r"\s*\n\s*", "\n", svg)
    svg = re.sub(r"\n(?=[A-Za-z])", " ", svg)  # path data continues on the next line
    return svg


def _finish(ax, unit: str | None, decimals: int, lang: str, years: list[int]) -> None:
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: number(v, decimals, lang)))
    ax.set_ylabel(unit_label(lang, unit))
    if years:
        ax.set_xlim(min(years) - 0.7, max(years) + 0.7)


def target_chart(points: list[Point], targets: list[dict], unit: str | None, decimals: int, label: str,
                 lang: str, salt: str) -> str:
    """One indicator's yearly values against every target the goal sets on it."""
    scale = scale_for(unit)
    shown_decimals = 1 if unit == "share" else decimals  # a share in percent, one decimal
    scaled = [Point(p.year, p.value * scale, p.preliminary, p.complete, p.series_break_before) for p in points]
    with matplotlib.rc_context(RC):
        fig = Figure(figsize=(7.4, 2.9))
        ax = fig.add_subplot()
        _draw_series(ax, scaled, PALETTE[0], label, lang)
        years = [p.year for p in scaled]
        for target in targets:
            _draw_target(ax, target, scale, shown_decimals, lang)
            years += [y for y in (target.get("target_year"), target.get("period_start"), target.get("period_end")) if y]
        _finish(ax, unit, shown_decimals, lang, years)
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7, frameon=False)
        return _svg(fig, salt)


def context_chart(series: dict[str, tuple[str, list[Point]]], unit: str | None, decimals: int, lang: str, salt: str) -> str:
    """Context series of one unit: each its own line, never joined across a break."""
    scale = scale_for(unit)
    with matplotlib.rc_context(RC):
        fig = Figure(figsize=(7.4, 2.6 + 0.14 * max(len(series) - 3, 0)))
        ax = fig.add_subplot()
        years: list[int] = []
        for i, (_indicator, (title, points)) in enumerate(series.items()):
            scaled = [Point(p.year, p.value * scale, p.preliminary, p.complete, p.series_break_before) for p in points]
            short = title if len(title) <= 60 else title[:57] + "…"
            _draw_series(ax, scaled, PALETTE[(i + 1) % len(PALETTE)], short, lang)
            years += [p.year for p in scaled]
        _finish(ax, unit, decimals, lang, years)
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7, frameon=False)
        return _svg(fig, salt)
