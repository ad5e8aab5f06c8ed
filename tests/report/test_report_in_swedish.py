"""The Swedish report has no English sentence: every plan page and the index of the bundled plans, with
the status notes from notes.toml in both languages."""

from __future__ import annotations

import re
import string
import tomllib
from html.parser import HTMLParser
from importlib.resources import files
from pathlib import Path

import duckdb
import pytest

from indicator_pipeline.catalog import bundled_plan_path
from indicator_pipeline.cli import main
from indicator_pipeline.wording import figure
from tests.conftest import refresh_offline

# English words that are no Swedish words, matched whole and in any case. Not "by" (a Swedish village,
# and CC BY), "in" (räknas in) or "per".
ENGLISH = {"the", "which", "is", "are", "of", "and", "not", "has", "yet", "year", "years", "value", "values", "figure",
           "figures", "target", "meets", "meet", "with", "from", "there", "than", "trend", "judged", "least", "most",
           "computed", "inhabitant", "inhabitants", "tonnes", "persons", "wanted", "progress"}
ENGLISH_WORD = re.compile(r"\b(" + "|".join(sorted(ENGLISH)) + r")\b", re.IGNORECASE)


class VisibleText(HTMLParser):
    """The text a reader sees, one line per element; <code> holds identifiers, shown as they are."""

    def __init__(self, html: str):
        super().__init__()
        self.hidden, self.lines, self.line = 0, [], ""
        self.feed(html)
        self.lines.append(self.line)

    def handle_starttag(self, tag, attrs):
        self.hidden += tag in ("style", "script", "code")
        self.lines.append(self.line)
        self.line = ""

    def handle_endtag(self, tag):
        self.hidden -= tag in ("style", "script", "code")

    def handle_data(self, data):
        if not self.hidden:
            self.line += data


def english_lines(html: str) -> list[str]:
    return [line.strip() for line in VisibleText(html).lines if ENGLISH_WORD.search(line)]


@pytest.fixture(scope="module")
def every_plan(tmp_path_factory) -> Path:
    """`refresh --offline --plan <the bundled plans folder>`, as `make run` does."""
    path = tmp_path_factory.mktemp("every_plan") / "indicators.duckdb"
    assert refresh_offline(path, "--plan", str(bundled_plan_path().parent)) == 0
    return path


def report(warehouse: Path, out: Path, lang: str) -> list[Path]:
    assert main(["report", "--warehouse", str(warehouse), "--out", str(out), "--lang", lang]) == 0
    return sorted(out.glob("*.html"))


def test_the_swedish_report_has_no_english_sentence(every_plan, tmp_path):
    pages = report(every_plan, tmp_path / "sv", "sv")
    assert [p.name for p in pages] == ["helsingborg-inriktningar-2023-2026.html", "helsingborg-ks-2025.html", "index.html",
                                       "lund-ks-2025-demo.html", "scorecard.html"]
    assert {p.name: english_lines(p.read_text(encoding="utf-8")) for p in pages} == {p.name: [] for p in pages}
    # The same words find the English page's notes, so the check above can fail.
    english = english_lines((report(every_plan, tmp_path / "en", "en")[1]).read_text(encoding="utf-8"))
    assert any(line.endswith("which does not meet the target of at least 76.") for line in english), english


def test_every_note_in_both_languages_with_the_same_figures(every_plan):
    with duckdb.connect(str(every_plan), read_only=True) as con:
        notes = con.execute("SELECT target_id, method, note, note_sv FROM marts.goal_status_methods").fetchall()
        shown = con.execute("SELECT note, note_sv FROM marts.goal_status UNION ALL SELECT note, note_sv FROM marts.goal_status_history").fetchall()
    assert len(notes) > 50 and all(en and sv and en != sv for _, _, en, sv in notes)
    assert any(re.search(r"\b\d{4}–\d{4}\b", sv) for *_, sv in notes)
    assert set(shown) <= {(en, sv) for _, _, en, sv in notes}
    for target_id, method, en, sv in notes:
        assert not ENGLISH_WORD.search(sv), (target_id, method, sv)
        assert not re.search(r"\d\.\d", sv), sv  # a decimal comma, never a point
        assert not re.search(r"\b\d{4}-\d{4}\b", sv), sv  # a range of years with an en dash, never a hyphen
        # Every figure of the Swedish note is one of the English note's (there, without grouping).
        english = re.findall(r"\d+(?:\.\d+)?", en)
        for number in re.findall(r"\d+(?:[\u00a0]\d{3})*(?:,\d+)?", sv):
            assert number.replace("\u00a0", "").replace(",", ".") in english, (number, sv, en)
    with duckdb.connect(str(every_plan), read_only=True) as con:
        nki = con.execute("SELECT note_sv FROM marts.goal_status WHERE plan_id = 'helsingborg-ks-2025' AND target_id = 'nki_2025'").fetchone()[0]
    assert nki == "Värdet 2025 är 75,3, vilket inte når målet på minst 76."


def test_every_template_has_both_languages_with_the_same_placeholders():
    notes = tomllib.loads(files("indicator_pipeline").joinpath("notes.toml").read_text(encoding="utf-8"))
    assert len(notes) > 50
    for key, languages in notes.items():
        assert set(languages) == {"en", "sv"} and all(languages.values()), key
        fields = {lang: {f for _, f, _, _ in string.Formatter().parse(text) if f} for lang, text in languages.items()}
        assert fields["en"] == fields["sv"], key


def test_swedish_numbers():
    assert figure(-1234.5, ".2f", trim=True).sv == "\u22121\u00a0234,5"
    assert figure(-1234.5, ".2f", trim=True).en == "-1234.5"
    assert figure(0.2945, "+.2%").sv == "+29,45\u00a0%" and figure(0.2945, "+.2%").en == "+29.45%"
    assert figure(12000.0, ".2f", trim=True).sv == "12\u00a0000"
