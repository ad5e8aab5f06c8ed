"""The landing folder: which files in it are drops, and how a rejected one goes to quarantine.

The rule for which file counts is in the package docstring (`indicator_pipeline.filedrop`); the
pipeline step that reads, archives and stages the current file of each kind is
`indicator_pipeline.steps.filedrop`.
"""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from indicator_pipeline.filedrop.formats import SUFFIXES

SOURCE = "filedrop"


def candidates(landing: Path) -> Iterator[Path]:
    """The `.csv` and `.xlsx` files, skipping hidden ones and Excel's `~$` lock files."""
    for path in landing.iterdir():
        if path.is_file() and path.suffix.lower() in SUFFIXES and not path.name.startswith((".", "~$")):
            yield path


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
