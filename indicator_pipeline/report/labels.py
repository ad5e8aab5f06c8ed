"""The report's words in Swedish (the plan's language, the default) and English."""

from __future__ import annotations

LANGUAGES = ("sv", "en")

STATUS = {
    "sv": {
        "met": "Uppfyllt",
        "not_met": "Ej uppfyllt",
        "on_track": "På väg",
        "off_track": "Inte på väg",
        "no_data": "Uppgift saknas",
        "no_numeric_target": "Inget mätbart mål",
    },
    "en": {
        "met": "Met",
        "not_met": "Not met",
        "on_track": "On track",
        "off_track": "Off track",
        "no_data": "No data",
        "no_numeric_target": "No measurable target",
    },
}

TEXT = {
    "sv": {
        "title": "Måluppföljning",
        "as_of": "Bedömt per",
        "generated_from": "Underlag: publicerat lager",
        "overview": "Översikt",
        "goal": "Mål",
        "target": "Målvärde",
        "status": "Status",
        "latest": "Senaste värde",
        "gap": "Avstånd till mål",
        "when": "År/period",
        "motivation": "Motivering",
        "chart": "Utfall per år",
        "context": "Jämförelseserier",
        "quality": "Datakvalitet, senaste körningen",
        "sources": "Källor",
        "peers": "Jämfört med liknande kommuner",
        "indicator": "Mått",
        "year": "År",
        "rank": "Placering",
        "rank_of": "{rank} av {count}",
        "peer_median": "Median, jämförda",
        "riket": "Riket",
        "peers_note": "Placering 1 är bäst efter måttets riktning, bland kommunerna med ett värde för året (egna kommunen inräknad); Riket och länet visas som referens och rangordnas inte.",
        "retrieved": "hämtad",
        "no_values": "Inga värden att visa.",
        "passed": "godkänd",
        "failed": "underkänd",
        "expectations_failed": "{failed} av {total} kontroller underkända",
        "expectations_passed": "alla {total} kontroller godkända",
        "no_quality": "Ingen validering registrerad.",
        "average_so_far": "Snitt hittills",
        "required": "Krävs per återstående år",
        "target_line": "Mål",
        "value": "Utfall",
        "preliminary": "preliminärt",
        "incomplete": "ofullständigt år (hittills)",
        "series_break": "Seriebrott",
        "preliminary_mark": "prel.",
        "incomplete_mark": "ofullst.",
        "note": "Bedömning",
        "legend": "Ihåliga punkter: preliminära värden. Trianglar: ofullständiga år (hittills i år), räknas inte som år. "
        "Streckad lodlinje: seriebrott, serien binds inte ihop över brottet.",
        "as_of_limitation": "Bedömt per {as_of} utifrån de värden som var kända vid dagens slut; jämförelseserier, "
        "preliminärmarkeringar, källor och datakvalitet visar lagrets senaste läge.",
        "run": "körning",
        "share_note": "Andelar visas i procent.",
        "demo": "",
    },
    "en": {
        "title": "Goal follow-up",
        "as_of": "Assessed as of",
        "generated_from": "Data: published warehouse",
        "overview": "Overview",
        "goal": "Goal",
        "target": "Target",
        "status": "Status",
        "latest": "Latest value",
        "gap": "Gap to target",
        "when": "Year/period",
        "motivation": "Motivation",
        "chart": "Yearly values",
        "context": "Context series",
        "quality": "Data quality, last run",
        "sources": "Sources",
        "peers": "Compared with similar municipalities",
        "indicator": "Measure",
        "year": "Year",
        "rank": "Rank",
        "rank_of": "{rank} of {count}",
        "peer_median": "Median, compared",
        "riket": "Sweden",
        "peers_note": "Rank 1 is best by the measure's direction, among the municipalities with a value that year (this one included); Sweden and the county are shown for reference and not ranked.",
        "retrieved": "retrieved",
        "no_values": "No values to show.",
        "passed": "passed",
        "failed": "failed",
        "expectations_failed": "{failed} of {total} checks failed",
        "expectations_passed": "all {total} checks passed",
        "no_quality": "No validation recorded.",
        "average_so_far": "Average so far",
        "required": "Required per remaining year",
        "target_line": "Target",
        "value": "Value",
        "preliminary": "preliminary",
        "incomplete": "incomplete year (to date)",
        "series_break": "Series break",
        "preliminary_mark": "prel.",
        "incomplete_mark": "incompl.",
        "note": "Assessment",
        "legend": "Hollow points: preliminary values. Triangles: incomplete years (year to date), never counted as a year. "
        "Dashed vertical line: series break; the series is never joined across it.",
        "as_of_limitation": "Assessed as of {as_of} from the values known at the end of that day; context series, "
        "preliminary flags, sources and data quality show the warehouse's latest state.",
        "run": "run",
        "share_note": "Shares are shown in percent.",
        "demo": "",
    },
}


def text(lang: str, key: str, **values) -> str:
    return TEXT[lang][key].format(**values) if values else TEXT[lang][key]


def status_label(lang: str, status: str | None) -> str:
    return STATUS[lang].get(status or "no_data", status or "")


def number(value: float | None, decimals: int, lang: str) -> str:
    """A value rounded to `decimals`, with Swedish decimal comma and space thousands in Swedish."""
    if value is None:
        return "–"
    shown = f"{value:,.{max(decimals, 0)}f}"
    if shown.startswith("-") and float(shown.replace(",", "")) == 0:
        shown = shown[1:]
    if lang == "sv":
        shown = shown.replace(",", "\u00a0").replace(".", ",").replace("-", "\u2212")
    return shown


UNITS = {
    "sv": {"percent": "%", "share": "%", "dwellings": "bostäder", "hectares": "hektar", "kr per inhabitant": "kr/inv"},
    "en": {"percent": "%", "share": "%"},
}


def unit_label(lang: str, unit: str | None) -> str:
    return UNITS[lang].get(unit or "", unit or "")
