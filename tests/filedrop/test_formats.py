"""The formats data and the templates built from it: the templates must always parse."""

from __future__ import annotations

from pathlib import Path

import pytest

from indicator_pipeline.catalog.filedrop_formats import FORMATS_FILE, TEMPLATES_DIR, load_formats
from indicator_pipeline.filedrop import FORMATS, KINDS, kind_of, read_drop


def test_the_four_kinds():
    assert KINDS == ("safety_survey", "financial_statements", "self_build_plots", "sellable_land")


@pytest.mark.parametrize("kind", KINDS)
def test_template_parses_cleanly_and_uses_every_column(kind):
    fmt, template = FORMATS[kind], TEMPLATES_DIR / f"{kind}.csv"
    drop = read_drop(template)
    assert drop.kind == kind
    assert 2 <= drop.frame.height <= 3
    assert drop.frame.columns == [c.name for c in fmt.columns] + ["source_file", "raw_sha256"]
    header = template.read_text(encoding="utf-8-sig").splitlines()[0]
    assert header == ";".join(c.name for c in fmt.columns)


def test_there_is_a_template_for_each_kind_and_nothing_else():
    assert sorted(p.name for p in TEMPLATES_DIR.iterdir()) == sorted(f"{kind}.csv" for kind in KINDS)


def test_docs_table_lists_every_column_with_its_type():
    docs = (Path(__file__).parents[2] / "docs" / "file-drops.md").read_text(encoding="utf-8")
    for fmt in FORMATS.values():
        assert f"### `{fmt.kind}`" in docs
        for c in fmt.columns:
            assert f"| `{c.name}` | {c.type} | {'yes' if c.required else 'no'} |" in docs


def test_every_format_has_year_first_and_the_optional_common_columns_last():
    for fmt in FORMATS.values():
        names = [c.name for c in fmt.columns]
        assert names[0] == "year" and names[-2:] == ["preliminary", "reported_on"]
        assert fmt.key[0] == "year"


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("safety_survey_2025.csv", "safety_survey"),
        ("Safety_Survey.XLSX", "safety_survey"),
        ("financial_statements-2024-bokslut.xlsx", "financial_statements"),
        ("self_build_plots.csv", "self_build_plots"),
        ("sellable_land_2025-03-03.csv", "sellable_land"),
        ("sellable_land.txt", None),
        ("land_sellable.csv", None),
        ("safety_survey.csv.bak", None),
    ],
)
def test_kind_of(name, kind):
    assert kind_of(Path("landing") / name) == kind


def test_limits_default_from_the_limits_table_and_a_kind_may_set_its_own(tmp_path):
    text = FORMATS_FILE.read_text(encoding="utf-8") + "\n[kinds.sellable_land.limits]\nmax_rows = 500\n"
    (tmp_path / "formats.toml").write_text(text, encoding="utf-8")
    formats = load_formats(tmp_path / "formats.toml")
    assert formats["sellable_land"].limits.max_rows == 500
    assert formats["sellable_land"].limits.max_bytes == FORMATS["sellable_land"].limits.max_bytes
    assert formats["safety_survey"].limits == FORMATS["safety_survey"].limits
    assert FORMATS["safety_survey"].limits.max_rows == 50_000


@pytest.mark.parametrize("bad, message", [("max_rows = 0", "max_rows must be positive"), ("max_cells = 5", "max_cells")])
def test_a_wrong_limit_is_an_error_naming_it(tmp_path, bad, message):
    text = FORMATS_FILE.read_text(encoding="utf-8") + f"\n[kinds.sellable_land.limits]\n{bad}\n"
    (tmp_path / "formats.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=f"limits of sellable_land: .*{message}"):
        load_formats(tmp_path / "formats.toml")
