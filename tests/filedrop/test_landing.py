"""The landing folder's rules: which files are drops, and how a rejected file goes to quarantine.

Reading, archiving and staging the current file of a kind is tested with the pipeline step in
tests/filedrop_pipeline/test_filedrop_steps.py.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone

import pytest

from indicator_pipeline.filedrop.errors import FileRejected, NotARegularFile
from indicator_pipeline.filedrop.landing import candidates, move_to_quarantine, read_regular, scan

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


def test_only_regular_files_are_candidates_and_the_others_are_skipped_with_why(landing, write_csv, tmp_path):
    outside = tmp_path / "outside.csv"
    outside.write_text("year;area;hectares\n2025;Hemligt;9\n", encoding="utf-8")
    write_csv("sellable_land.csv", "year;area;hectares\n2025;Vasatorp;1\n")
    (landing / "sellable_land_link.csv").symlink_to(outside)
    (landing / "sellable_land_dangling.csv").symlink_to(tmp_path / "gone.csv")
    os.link(outside, landing / "sellable_land_hard.csv")
    os.mkfifo(landing / "sellable_land_pipe.csv")
    (landing / "sellable_land_folder.csv").mkdir()
    write_csv("sellable_land\\..\\evil.csv", "year;area;hectares\n")  # a Windows path separator
    write_csv(".sellable_land_tmp.csv", "being copied")  # a sender's temporary name: not even listed

    files, skipped = scan(landing)

    assert [p.name for p in files] == ["sellable_land.csv"] == [p.name for p in candidates(landing)]
    assert {s.name: s.reason for s in skipped} == {
        "sellable_land\\..\\evil.csv": "its name contains a path separator",
        "sellable_land_dangling.csv": f"a symbolic link to {tmp_path / 'gone.csv'}",
        "sellable_land_folder.csv": "a folder",
        "sellable_land_hard.csv": "a hard link: the same file has 2 names, possibly outside the landing folder",
        "sellable_land_link.csv": f"a symbolic link to {outside}",
        "sellable_land_pipe.csv": "a named pipe (FIFO)",
    }


def test_reading_never_follows_a_link_nor_blocks_on_a_pipe_swapped_in_after_listing(landing, tmp_path):
    (tmp_path / "outside.csv").write_text("secret", encoding="utf-8")
    (landing / "link.csv").symlink_to(tmp_path / "outside.csv")
    os.mkfifo(landing / "pipe.csv")
    with pytest.raises(NotARegularFile, match="a symbolic link"):
        read_regular(landing / "link.csv", 1000)
    with pytest.raises(NotARegularFile, match="a named pipe"):
        read_regular(landing / "pipe.csv", 1000)  # opened without blocking, then refused


def test_a_file_over_max_bytes_is_refused_before_it_is_read(landing, write_csv):
    path = write_csv("sellable_land.csv", "x" * 101)
    with pytest.raises(FileRejected, match=r"sellable_land.csv: the file is 101 bytes, more than the 100 allowed \(max_bytes\)"):
        read_regular(path, 100)
    assert read_regular(path, 101) == b"x" * 101


def test_quarantine_never_writes_through_a_link_it_finds_there(landing, tmp_path, write_csv):
    quarantine = tmp_path / "quarantine"
    quarantine.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("untouched", encoding="utf-8")
    (quarantine / "sellable_land.csv.reason.txt").symlink_to(victim)  # planted where the reason would go
    (quarantine / "sellable_land.20250303T080000.csv").symlink_to(tmp_path / "nowhere.csv")  # dangling

    moved = move_to_quarantine(write_csv("sellable_land.csv", "bad"), REASON, quarantine, NOW)

    assert moved == quarantine / "sellable_land.20250303T080000-2.csv" and moved.read_text() == "bad"
    assert (quarantine / "sellable_land.20250303T080000-2.csv.reason.txt").read_text().startswith(REASON)
    assert victim.read_text(encoding="utf-8") == "untouched"
    assert not (tmp_path / "nowhere.csv").exists()
