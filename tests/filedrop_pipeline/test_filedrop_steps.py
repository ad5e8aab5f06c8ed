"""Landing-folder settings and the file-drop load step, without Dagster (fast)."""

from __future__ import annotations

import shutil
from datetime import date, datetime, timezone
from pathlib import Path

import duckdb
import polars as pl
import pytest
from pipeline_drops import BUNDLED, BUNDLED_DROPS, SELF_BUILD, tree

from indicator_pipeline.cli import build_parser, settings_for
from indicator_pipeline.filedrop import FORMATS, KINDS, FileRejected
from indicator_pipeline.settings import Settings, bundled_snapshot_dir
from indicator_pipeline.steps import filedrop as steps
from indicator_pipeline.warehouse.models import apply_schema

GOOD_SELF_BUILD = (BUNDLED_DROPS / SELF_BUILD).read_text(encoding="utf-8")
BAD_SELF_BUILD = GOOD_SELF_BUILD.replace("2023;61;", "2023;sextioett;")


@pytest.fixture
def con(tmp_path):
    with duckdb.connect(str(tmp_path / "work.duckdb")) as connection:
        apply_schema(connection)
        yield connection


def _rows(con, table: str) -> list[tuple]:
    return con.sql(f"SELECT * FROM {table} ORDER BY ALL").fetchall()


# --- settings ------------------------------------------------------------------------------------


def test_live_landing_defaults_beside_the_warehouse(tmp_path):
    settings = Settings(warehouse_path=tmp_path / "wh" / "indicators.duckdb")
    assert settings.effective_landing_dir == tmp_path / "wh" / "landing"
    assert settings.effective_quarantine_dir == tmp_path / "wh" / "quarantine"
    assert not settings.landing_read_only


def test_replay_reads_the_snapshots_own_drops_read_only(tmp_path):
    bundled = Settings(warehouse_path=tmp_path / "w.duckdb", source_mode="replay")
    assert bundled.effective_landing_dir == bundled_snapshot_dir() / "filedrop"
    assert bundled.landing_read_only
    other = Settings(warehouse_path=tmp_path / "w.duckdb", source_mode="replay", snapshot_dir=tmp_path / "snap")
    assert other.effective_landing_dir == tmp_path / "snap" / "filedrop" and other.landing_read_only


def test_an_explicit_landing_dir_is_writable_even_when_replaying(tmp_path):
    settings = Settings(warehouse_path=tmp_path / "w.duckdb", source_mode="replay", landing_dir=tmp_path / "in")
    assert settings.effective_landing_dir == tmp_path / "in"
    assert settings.effective_quarantine_dir == tmp_path / "quarantine"
    assert not settings.landing_read_only


def test_environment_and_cli_flags(tmp_path, monkeypatch):
    monkeypatch.setenv("INDICATOR_LANDING_DIR", str(tmp_path / "env-landing"))
    monkeypatch.setenv("INDICATOR_QUARANTINE_DIR", str(tmp_path / "env-quarantine"))
    from_env = Settings.from_env(warehouse_path=tmp_path / "w.duckdb")
    assert from_env.effective_landing_dir == tmp_path / "env-landing"
    assert from_env.effective_quarantine_dir == tmp_path / "env-quarantine"

    args = build_parser().parse_args(
        ["refresh", "--offline", "--landing-dir", str(tmp_path / "flag"), "--quarantine-dir", str(tmp_path / "q")]
    )
    settings = settings_for(args)
    assert settings.source_mode == "replay"
    assert settings.effective_landing_dir == tmp_path / "flag" and not settings.landing_read_only
    assert settings.effective_quarantine_dir == tmp_path / "q"


# --- the staging tables follow the formats --------------------------------------------------------


def test_staging_tables_have_the_format_columns(con):
    for kind in KINDS:
        columns = [name for (name,) in con.sql(f"SELECT column_name FROM (DESCRIBE {steps.staging_table(kind)})").fetchall()]
        assert columns == [c.name for c in FORMATS[kind].columns] + ["source_file", "raw_sha256", "retrieved_at", "observed_at"], kind


# --- load_kind -----------------------------------------------------------------------------------


def _live(tmp_path: Path, **overrides) -> Settings:
    return Settings(warehouse_path=tmp_path / "w.duckdb", **overrides)


def test_a_file_is_archived_registered_and_staged(tmp_path, con):
    settings = _live(tmp_path)
    settings.effective_landing_dir.mkdir()
    shutil.copy(BUNDLED_DROPS / SELF_BUILD, settings.effective_landing_dir)

    loaded = steps.load_kind(con, "self_build_plots", settings)

    assert loaded.newly_archived and loaded.staged_rows == 4
    assert settings.archive().get(loaded.current.sha256) == (BUNDLED_DROPS / SELF_BUILD).read_bytes()
    rows = con.sql(
        "SELECT year, self_build_starts, source_file, raw_sha256 FROM staging.filedrop_self_build_plots ORDER BY year"
    ).fetchall()
    assert [(y, n) for y, n, _, _ in rows] == [(2022, 95), (2023, 61), (2024, 58), (2025, 83)]
    assert {(f, s) for _, _, f, s in rows} == {(SELF_BUILD, loaded.current.sha256)}
    [payload] = con.sql("SELECT source, dataset, location, licence, size_bytes FROM raw.payload").fetchall()
    assert payload == ("filedrop", "filedrop_self_build_plots", SELF_BUILD, "Helsingborgs stad", len(GOOD_SELF_BUILD))


def test_loading_the_same_file_again_changes_nothing(tmp_path, con):
    settings = _live(tmp_path)
    settings.effective_landing_dir.mkdir()
    shutil.copy(BUNDLED_DROPS / SELF_BUILD, settings.effective_landing_dir)
    steps.load_kind(con, "self_build_plots", settings)
    staged, payloads, archived = _rows(con, "staging.filedrop_self_build_plots"), _rows(con, "raw.payload"), tree(tmp_path / "archive")

    again = steps.load_kind(con, "self_build_plots", settings)

    assert not again.newly_archived
    assert _rows(con, "staging.filedrop_self_build_plots") == staged  # same retrieved_at: the first archiving time
    assert _rows(con, "raw.payload") == payloads
    assert tree(tmp_path / "archive") == archived


def test_no_file_keeps_the_previous_rows(tmp_path, con):
    settings = _live(tmp_path)
    settings.effective_landing_dir.mkdir()
    shutil.copy(BUNDLED_DROPS / SELF_BUILD, settings.effective_landing_dir)
    steps.load_kind(con, "self_build_plots", settings)
    before = _rows(con, "staging.filedrop_self_build_plots")
    (settings.effective_landing_dir / SELF_BUILD).unlink()

    loaded = steps.load_kind(con, "self_build_plots", settings)

    assert loaded.current is None and loaded.staged_rows == 4
    assert _rows(con, "staging.filedrop_self_build_plots") == before


def test_the_later_named_file_wins_and_replaces_every_row(tmp_path, con):
    settings = _live(tmp_path)
    landing = settings.effective_landing_dir
    landing.mkdir()
    shutil.copy(BUNDLED_DROPS / SELF_BUILD, landing)
    (landing / "self_build_plots_2026-06-01.csv").write_text("year;self_build_starts\n2026;40\n", encoding="utf-8")

    loaded = steps.load_kind(con, "self_build_plots", settings)

    assert loaded.current.path.name == "self_build_plots_2026-06-01.csv"
    assert [p.name for p in loaded.superseded] == [SELF_BUILD]
    assert con.sql("SELECT year, self_build_starts FROM staging.filedrop_self_build_plots").fetchall() == [(2026, 40)]


def test_a_rejected_file_is_quarantined_and_nothing_changes(tmp_path, con):
    settings = _live(tmp_path)
    landing = settings.effective_landing_dir
    landing.mkdir()
    shutil.copy(BUNDLED_DROPS / SELF_BUILD, landing)
    steps.load_kind(con, "self_build_plots", settings)
    before = _rows(con, "staging.filedrop_self_build_plots"), _rows(con, "raw.payload"), tree(tmp_path / "archive")
    (landing / "self_build_plots_2026-06-01.csv").write_text(BAD_SELF_BUILD, encoding="utf-8")

    with pytest.raises(FileRejected) as caught:
        steps.load_kind(con, "self_build_plots", settings)

    reason = "self_build_plots_2026-06-01.csv row 3, column self_build_starts: 'sextioett' is not a number"
    assert str(caught.value).startswith(reason)
    assert "quarantine" in str(caught.value)
    quarantined = settings.effective_quarantine_dir / "self_build_plots_2026-06-01.csv"
    assert quarantined.read_text(encoding="utf-8") == BAD_SELF_BUILD
    assert (quarantined.parent / f"{quarantined.name}.reason.txt").read_text(encoding="utf-8").startswith(reason)
    assert sorted(p.name for p in landing.iterdir()) == [SELF_BUILD]
    assert (_rows(con, "staging.filedrop_self_build_plots"), _rows(con, "raw.payload"), tree(tmp_path / "archive")) == before


def test_a_file_of_no_kind_is_rejected(tmp_path, con):
    settings = _live(tmp_path)
    settings.effective_landing_dir.mkdir()
    (settings.effective_landing_dir / "budget_2026.csv").write_text("year;x\n2026;1\n", encoding="utf-8")

    with pytest.raises(FileRejected, match="budget_2026.csv: the file name must start with one of"):
        steps.load_kind(con, "sellable_land", settings)
    assert (settings.effective_quarantine_dir / "budget_2026.csv").exists()


def test_replay_never_modifies_the_snapshots_drops(tmp_path, con):
    snapshot = tmp_path / "snapshot"
    shutil.copytree(BUNDLED_DROPS, snapshot / "filedrop")
    (snapshot / "snapshot.json").write_text('{"recorded_on": "2026-11-20"}\n', encoding="utf-8")
    (snapshot / "filedrop" / "self_build_plots_2026-06-01.csv").write_text(BAD_SELF_BUILD, encoding="utf-8")
    before = tree(snapshot)
    settings = Settings(warehouse_path=tmp_path / "w.duckdb", source_mode="replay", snapshot_dir=snapshot)

    with pytest.raises(FileRejected, match=r"row 3, column self_build_starts: 'sextioett' is not a number \(left in the read-only"):
        steps.load_kind(con, "self_build_plots", settings)

    assert tree(snapshot) == before
    assert not settings.effective_quarantine_dir.exists()
    assert _rows(con, "staging.filedrop_self_build_plots") == []


def test_replayed_drops_are_archived_as_of_the_recording_day(tmp_path, con):
    settings = Settings(warehouse_path=tmp_path / "w.duckdb", source_mode="replay")
    loaded = steps.load_kind(con, "sellable_land", settings)
    assert loaded.payload.retrieved_at == "2026-11-20T00:00:00+00:00"
    [(at,)] = con.sql("SELECT DISTINCT retrieved_at FROM staging.filedrop_sellable_land").fetchall()
    assert at == datetime(2026, 11, 20, tzinfo=timezone.utc)


def test_record_mode_copies_the_current_file_into_the_snapshot(tmp_path, con):
    snapshot = tmp_path / "snapshot"
    (snapshot / "filedrop").mkdir(parents=True)
    (snapshot / "filedrop" / "self_build_plots_2020-01-01.csv").write_text("year;self_build_starts\n2019;1\n", encoding="utf-8")
    settings = _live(tmp_path, source_mode="record", snapshot_dir=snapshot)
    settings.effective_landing_dir.mkdir()
    shutil.copy(BUNDLED_DROPS / SELF_BUILD, settings.effective_landing_dir)

    steps.load_kind(con, "self_build_plots", settings)

    assert sorted(p.name for p in (snapshot / "filedrop").iterdir()) == [SELF_BUILD]


# --- the landing state the sensor compares ---------------------------------------------------------


def test_landing_state_follows_names_and_bytes(tmp_path):
    landing = tmp_path / "landing"
    assert steps.landing_state(landing) == ()
    landing.mkdir()
    (landing / "notes.txt").write_text("ignored", encoding="utf-8")
    (landing / "sellable_land.csv").write_text("a", encoding="utf-8")
    first = steps.state_key(steps.landing_state(landing))
    assert steps.state_key(steps.landing_state(landing)) == first
    (landing / "sellable_land.csv").write_text("b", encoding="utf-8")
    assert steps.state_key(steps.landing_state(landing)) != first


# --- the bundled sample drops ---------------------------------------------------------------------


def test_bundled_drops_one_valid_file_per_kind_in_every_encoding():
    from indicator_pipeline.filedrop import kind_of, read_drop

    files = sorted(BUNDLED_DROPS.iterdir())
    assert sorted(kind_of(p) for p in files) == sorted(KINDS)
    for path in files:
        read_drop(path)
    survey = (BUNDLED_DROPS / "safety_survey_2026-02-13.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        survey.decode("utf-8")  # Windows-1252, as Swedish Excel saves it
    assert "invånare" in survey.decode("cp1252") and ";" in survey.decode("cp1252")
    assert any(p.suffix == ".xlsx" for p in files)
    assert (BUNDLED / "snapshot.json").exists()


def test_bundled_financial_statements_are_consistent():
    from indicator_pipeline.filedrop import read_drop

    frame = read_drop(BUNDLED_DROPS / "financial_statements_2026-03-16.csv").frame
    lines = {(r["year"], r["line_id"]): r["amount_mnkr"] for r in frame.iter_rows(named=True)}
    allowed = FORMATS["financial_statements"].column("line_id").allowed
    assert set(lines) == {(y, line) for y in range(2022, 2026) for line in allowed}

    def ratios(y: int) -> dict[str, float]:
        base = lines[y, "tax_revenue"] + lines[y, "general_grants_equalisation"]
        adjusted = lines[y, "result"] - lines[y, "exploatering_result"] - lines[y, "items_affecting_comparability"]
        adjusted -= lines[y, "extraordinary_items"]
        soliditet = (lines[y, "equity"] - lines[y, "pension_obligations_pre1998_contingent"]) / (
            lines[y, "total_assets"] - lines[y, "internal_bank_loans_to_group"]
        )
        return {
            "base": base,
            "adjusted": adjusted,
            "soliditet": 100 * soliditet,
            "self_financing": 100 * lines[y, "cash_flow_operations"] / lines[y, "investments"],
            "result_share": 100 * lines[y, "result"] / base,
        }

    r2025 = ratios(2025)
    assert r2025["base"] == pytest.approx(10_550, abs=50)
    assert r2025["adjusted"] == pytest.approx(330, abs=5)
    assert r2025["soliditet"] == pytest.approx(64, abs=0.5)
    assert r2025["self_financing"] == pytest.approx(78, abs=0.5)
    for y in range(2023, 2026):  # equity moves by exactly the year's result
        assert lines[y, "equity"] - lines[y - 1, "equity"] == pytest.approx(lines[y, "result"])
    for y in range(2022, 2026):
        assert 62 <= ratios(y)["soliditet"] <= 65
    # Årets resultat follows the bundled Kolada N03102 share (illustrative) to one decimal.
    kolada_n03102 = {2022: 5.0, 2023: 4.6, 2024: 1.1, 2025: 2.4}
    for y, share in kolada_n03102.items():
        assert round(ratios(y)["result_share"], 1) == share


def test_bundled_self_build_and_land_figures():
    from indicator_pipeline.filedrop import read_drop

    self_build = read_drop(BUNDLED_DROPS / SELF_BUILD).frame
    assert dict(zip(self_build["year"], self_build["self_build_starts"])) == {2022: 95, 2023: 61, 2024: 58, 2025: 83}
    land = read_drop(BUNDLED_DROPS / "sellable_land_2026-02-10.xlsx").frame
    assert set(land["area"]) == {"Vasatorp", "Björka (Uteslutningen)", "Norra Ekeberga"}
    per_year = dict(land.group_by("year").agg(pl.col("hectares").sum()).iter_rows())
    assert per_year == {2022: 14.0, 2023: 27.5, 2024: 27.5, 2025: 41.0}
    survey = read_drop(BUNDLED_DROPS / "safety_survey_2026-02-13.csv").frame
    assert set(survey["year"]) == set(range(2019, 2026))
    assert set(survey["respondent_group"]) == {"invånare", "företag"}
    assert date(2026, 2, 13) in set(survey["reported_on"])
