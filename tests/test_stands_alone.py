"""The repository stands alone: nothing reads files from beside the clone, and the conformance fixtures are here."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "conformance"
# A path out of the repository to the machines' shared folder, however it is spelt.
OUTSIDE = re.compile(r"""\.\./shared|/work/shared|parent\s*/\s*["']shared["']""")


def test_no_code_or_test_reads_a_shared_folder_beside_the_repository():
    files = [
        path for folder in ("indicator_pipeline", "assets", "sql", "tests", "scripts", ".ci")
        for path in (ROOT / folder).rglob("*")
        if path.is_file() and path.suffix in {".py", ".sql", ".toml", ""} and "__pycache__" not in path.parts
    ] + [ROOT / "Makefile", ROOT / "pyproject.toml"]
    assert ROOT / "tests" / "sources" / "test_kolada.py" in files
    offenders = [
        str(path.relative_to(ROOT)) for path in files
        if path != Path(__file__).resolve() and OUTSIDE.search(path.read_text(encoding="utf-8", errors="replace"))
    ]
    assert offenders == []


def test_every_fixture_the_readme_names_is_here():
    readme = (FIXTURES / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"^\| `([^`]+)` \|", readme, flags=re.MULTILINE))
    assert {"config.json", "TAB6471_data.json", "kpi_catalogue_plan_subset.json", "LICENSE-pxwebpy.txt"} <= named
    present = {p.name for p in FIXTURES.rglob("*") if p.is_file() and p.name != "README.md"}
    assert present == named
