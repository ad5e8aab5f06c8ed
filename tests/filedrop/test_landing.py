"""process_landing: archive the current file per kind, quarantine bad files, change nothing on a re-run."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from drop_cases import CASES

from indicator_pipeline.archive import RawArchive
from indicator_pipeline.filedrop import process_landing

AS_OF = datetime(2025, 3, 3, 8, 0, tzinfo=timezone.utc)
GOOD = CASES["sellable_land"].csv_text()
BAD = GOOD.replace("12,5", "tolv")


@pytest.fixture
def archive(tmp_path: Path) -> RawArchive:
    return RawArchive(tmp_path / "archive")


@pytest.fixture
def quarantine(tmp_path: Path) -> Path:
    return tmp_path / "quarantine"


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_bad_file_is_quarantined_with_a_reason_and_a_good_one_beside_it_loads(
    landing, archive, quarantine, write_csv, write_xlsx
):
    write_csv("sellable_land_2025.csv", BAD)
    write_xlsx("self_build_plots.xlsx", CASES["self_build_plots"].excel_rows())

    result = process_landing(landing, archive, quarantine, as_of=AS_OF)

    reason = "sellable_land_2025.csv row 2, column hectares: 'tolv' is not a number"
    assert result.rejected == [(quarantine / "sellable_land_2025.csv", reason)]
    assert (quarantine / "sellable_land_2025.csv").read_text() == BAD
    assert (quarantine / "sellable_land_2025.csv.reason.txt").read_text() == (
        f"{reason}\nrejected at 2025-03-03T08:00:00+00:00\n"
    )
    assert sorted(p.name for p in landing.iterdir()) == ["self_build_plots.xlsx"]
    [drop] = result.loaded
    assert drop.kind == "self_build_plots" and drop.frame["self_build_starts"].to_list() == [41, 52]
    assert result.unchanged == [] and result.superseded == []


def test_loaded_file_is_archived_with_its_origin_and_stays_in_landing(landing, archive, quarantine, write_csv):
    path = write_csv("sellable_land.csv", GOOD)

    [drop] = process_landing(landing, archive, quarantine, as_of=AS_OF).loaded

    assert archive.get(drop.sha256) == path.read_bytes()
    [origin] = archive.origins(drop.sha256)
    assert (origin.source, origin.location, origin.retrieved_at, origin.licence) == (
        "filedrop", "sellable_land.csv", "2025-03-03T08:00:00+00:00", "Helsingborgs stad"
    )
    assert path.exists()


def test_loading_the_same_file_twice_changes_nothing(landing, archive, quarantine, write_csv):
    write_csv("sellable_land.csv", GOOD)
    first = process_landing(landing, archive, quarantine, as_of=AS_OF)
    before = tree(archive.root)

    second = process_landing(landing, archive, quarantine, as_of=datetime(2025, 4, 1, tzinfo=timezone.utc))

    assert len(first.loaded) == 1
    assert second.loaded == [] and second.unchanged == [landing / "sellable_land.csv"]
    assert tree(archive.root) == before


def test_the_last_file_of_a_kind_by_name_wins(landing, archive, quarantine, write_csv):
    older = write_csv("sellable_land_2025-01-15.csv", GOOD)
    write_csv("sellable_land_2025-03-01.csv", GOOD.replace("12,5", "13,0"))

    result = process_landing(landing, archive, quarantine, as_of=AS_OF)

    [drop] = result.loaded
    assert drop.path.name == "sellable_land_2025-03-01.csv" and drop.frame["hectares"][0] == 13.0
    assert result.superseded == [older]
    assert [p.name for p in (archive.root / "objects").rglob("*") if p.is_file()] == [drop.sha256]


def test_a_rejected_newer_file_leaves_the_older_one_in_force(landing, archive, quarantine, write_csv):
    write_csv("sellable_land_2025-01-15.csv", GOOD)
    write_csv("sellable_land_2025-03-01.csv", BAD)

    result = process_landing(landing, archive, quarantine, as_of=AS_OF)

    assert [d.path.name for d in result.loaded] == ["sellable_land_2025-01-15.csv"]
    assert [p.name for p, _ in result.rejected] == ["sellable_land_2025-03-01.csv"]
    assert all(name == "sellable_land_2025-01-15.csv" for d in result.loaded for name in d.frame["source_file"])


def test_a_taken_quarantine_name_gets_a_timestamp(landing, archive, quarantine, write_csv):
    for _ in range(3):
        write_csv("sellable_land.csv", BAD)
        process_landing(landing, archive, quarantine, as_of=AS_OF)

    assert sorted(p.name for p in quarantine.iterdir()) == [
        "sellable_land.20250303T080000-2.csv",
        "sellable_land.20250303T080000-2.csv.reason.txt",
        "sellable_land.20250303T080000.csv",
        "sellable_land.20250303T080000.csv.reason.txt",
        "sellable_land.csv",
        "sellable_land.csv.reason.txt",
    ]


def test_unknown_kinds_are_rejected_other_files_ignored(landing, archive, quarantine, write_csv):
    write_csv("budget.csv", GOOD)
    for ignored in [".sellable_land.csv", "~$sellable_land.xlsx", "readme.txt", "sellable_land.csv.bak"]:
        write_csv(ignored, "whatever")

    result = process_landing(landing, archive, quarantine, as_of=AS_OF)

    assert [p.name for p, _ in result.rejected] == ["budget.csv"]
    assert result.loaded == [] and result.unchanged == []
    assert sorted(p.name for p in landing.iterdir()) == [
        ".sellable_land.csv", "readme.txt", "sellable_land.csv.bak", "~$sellable_land.xlsx"
    ]
    assert not archive.root.exists()
