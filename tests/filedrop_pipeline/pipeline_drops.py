"""Helpers for the file-drop pipeline tests: where the bundled drops are, a tree fingerprint."""

from __future__ import annotations

import hashlib
from pathlib import Path

BUNDLED = Path(__file__).resolve().parents[2] / "indicator_pipeline" / "snapshots" / "bundled"
BUNDLED_DROPS = BUNDLED / "filedrop"
SELF_BUILD = "self_build_plots_2026-01-20.csv"  # the bundled self-build file


def tree(root: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file under `root` (empty if it does not exist)."""
    if not root.exists():
        return {}
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()
    }
