"""A copy of the repository, as a BI team's clone: its own code and SQL, run with PYTHONPATH."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
LOCAL = {".git", ".venv", "warehouse", "dagster_home", ".pytest_cache"}  # the checkout's own, at its top only


class Clone:
    def __init__(self, root: Path):
        self.repo = root / "repo"
        shutil.copytree(
            PROJECT, self.repo,
            ignore=lambda folder, names: [n for n in names if (Path(folder) == PROJECT and n in LOCAL) or n == "__pycache__"],
        )
        self.warehouse = root / "warehouse" / "indicators.duckdb"
        env = {k: v for k, v in os.environ.items() if not k.startswith("INDICATOR_") and k not in ("DAGSTER_HOME", "KOLADA_BASE_URL")}
        # the clone's code and SQL, not this checkout's (an editable install's finder comes after PYTHONPATH)
        self.env = env | {"PYTHONPATH": str(self.repo), "INDICATOR_WAREHOUSE": str(self.warehouse)}

    def add(self, name: str, text: str) -> None:
        """Write `sql/<name>` in the clone."""
        (self.repo / "sql" / name).write_text(text, encoding="utf-8")

    def run(self, *args: str) -> subprocess.CompletedProcess:
        """`python *args` in the clone."""
        return subprocess.run([sys.executable, *args], cwd=self.repo, env=self.env, capture_output=True, text=True, timeout=900)
