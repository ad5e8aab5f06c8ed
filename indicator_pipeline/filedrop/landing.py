"""Sweep the landing folder: archive the current file of each kind, quarantine the files that fail.

The rule for which file counts is in the package docstring (`indicator_pipeline.filedrop`).
"""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from indicator_pipeline.archive import Origin, RawArchive
from indicator_pipeline.filedrop.errors import FileRejected
from indicator_pipeline.filedrop.formats import SUFFIXES
from indicator_pipeline.filedrop.reader import DropFile, read_drop

SOURCE = "filedrop"
LICENCE = "Helsingborgs stad"


@dataclass(frozen=True)
class LandingResult:
    loaded: list[DropFile]  # current file of its kind, archived by this run (new bytes or new name)
    rejected: list[tuple[Path, str]]  # (where the file now lies in quarantine, why)
    unchanged: list[Path]  # current file of its kind, already archived under this name: nothing new
    superseded: list[Path] = field(default_factory=list)  # valid, but a later file of its kind wins


def process_landing(
    landing: Path, archive: RawArchive, quarantine: Path, *, as_of: datetime | None = None
) -> LandingResult:
    now = as_of or datetime.now(timezone.utc)
    rejected: list[tuple[Path, str]] = []
    current: dict[str, DropFile] = {}
    superseded: list[Path] = []
    for path in sorted(candidates(Path(landing))):  # name order: the last valid file of a kind wins
        try:
            drop = read_drop(path)
        except FileRejected as exc:
            rejected.append((move_to_quarantine(path, str(exc), Path(quarantine), now), str(exc)))
            continue
        if drop.kind in current:
            superseded.append(current[drop.kind].path)
        current[drop.kind] = drop
    loaded: list[DropFile] = []
    unchanged: list[Path] = []
    for drop in current.values():
        if _archived(archive, drop):
            unchanged.append(drop.path)
        else:
            origin = Origin(SOURCE, drop.path.name, now.isoformat(timespec="seconds"), LICENCE)
            archive.put(drop.path.read_bytes(), origin)
            loaded.append(drop)
    return LandingResult(loaded, rejected, unchanged, superseded)


def candidates(landing: Path) -> Iterator[Path]:
    """The `.csv` and `.xlsx` files, skipping hidden ones and Excel's `~$` lock files."""
    for path in landing.iterdir():
        if path.is_file() and path.suffix.lower() in SUFFIXES and not path.name.startswith((".", "~$")):
            yield path


def _archived(archive: RawArchive, drop: DropFile) -> bool:
    return archive.object_path(drop.sha256).exists() and any(
        o.source == SOURCE and o.location == drop.path.name for o in archive.origins(drop.sha256)
    )


def move_to_quarantine(path: Path, reason: str, quarantine: Path, now: datetime) -> Path:
    """Move `path` into `quarantine` under its own name (timestamped if taken), with `<name>.reason.txt`."""
    quarantine.mkdir(parents=True, exist_ok=True)
    stamp = now.strftime("%Y%m%dT%H%M%S")
    names = itertools.chain(
        [path.name], (f"{path.stem}.{stamp}{'' if n == 1 else f'-{n}'}{path.suffix}" for n in itertools.count(1))
    )
    target = next(quarantine / name for name in names if not (quarantine / name).exists())
    shutil.move(path, target)
    reason_file = target.with_name(f"{target.name}.reason.txt")
    reason_file.write_text(f"{reason}\nrejected at {now.isoformat(timespec='seconds')}\n", encoding="utf-8")
    return target
