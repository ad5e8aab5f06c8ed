"""The landing folder's rules: which files are drops, and how a rejected file goes to quarantine.

Reading, archiving and staging the current file of a kind is tested with the pipeline step in
tests/filedrop_pipeline/test_filedrop_steps.py.
"""

from __future__ import annotations

from datetime import datetime, timezone

from indicator_pipeline.filedrop.landing import candidates, move_to_quarantine

NOW = datetime(2025, 3, 3, 8, 0, tzinfo=timezone.utc)
REASON = "sellable_land_2025.csv row 2, column hectares: 'tolv' is not a number"


def test_candidates_are_csv_and_xlsx_files_but_not_hidden_or_lock_files(landing, write_csv):
    for name in ["budget.csv", "sellable_land.CSV", "self_build_plots.xlsx", ".sellable_land.csv",
                 "~$sellable_land.xlsx", "readme.txt", "sellable_land.csv.bak"]:
        write_csv(name, "whatever")
    (landing / "folder.csv").mkdir()

    assert sorted(p.name for p in candidates(landing)) == ["budget.csv", "self_build_plots.xlsx", "sellable_land.CSV"]


def test_a_quarantined_file_keeps_its_bytes_and_gets_its_reason_beside_it(landing, tmp_path, write_csv):
    path = write_csv("sellable_land_2025.csv", "år;hektar\n2025;tolv\n")
    quarantine = tmp_path / "quarantine"

    moved = move_to_quarantine(path, REASON, quarantine, NOW)

    assert moved == quarantine / "sellable_land_2025.csv" and not path.exists()
    assert moved.read_text() == "år;hektar\n2025;tolv\n"
    assert (quarantine / "sellable_land_2025.csv.reason.txt").read_text() == (
        f"{REASON}\nrejected at 2025-03-03T08:00:00+00:00\n"
    )


def test_a_taken_quarantine_name_gets_a_timestamp(landing, tmp_path, write_csv):
    quarantine = tmp_path / "quarantine"
    for _ in range(3):
        move_to_quarantine(write_csv("sellable_land.csv", "bad"), REASON, quarantine, NOW)

    assert sorted(p.name for p in quarantine.iterdir()) == [
        "sellable_land.20250303T080000-2.csv",
        "sellable_land.20250303T080000-2.csv.reason.txt",
        "sellable_land.20250303T080000.csv",
        "sellable_land.20250303T080000.csv.reason.txt",
        "sellable_land.csv",
        "sellable_land.csv.reason.txt",
    ]
