"""The file-drop formats, loaded from `filedrop_formats.toml` so that the format is data, not code.

A contract shared by the plan (which columns an indicator may read) and the file-drop readers (what a
file must hold): plain data, importing nothing of the pipeline. The same data drives the templates'
tests and docs/file-drops.md; changing a format means changing the TOML file and its template in
indicator_pipeline/filedrop/templates/.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

FORMATS_FILE = Path(__file__).with_name("filedrop_formats.toml")
TEMPLATES_DIR = Path(__file__).parents[1] / "filedrop" / "templates"
SUFFIXES = (".csv", ".xlsx")

COLUMN_TYPES = ("int", "decimal", "text", "boolean", "date")  # a reader's frame types them (filedrop/reader.py DTYPES)


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # one of COLUMN_TYPES
    required: bool
    description: str
    allowed: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None
    default: object = None


@dataclass(frozen=True)
class Limits:
    """What reading one file may cost (filedrop_formats.toml `[limits]`, a kind's own `[kinds.<kind>.limits]`)."""

    max_bytes: int
    max_rows: int
    max_columns: int
    max_inflated_bytes: int
    max_compression_ratio: float


@dataclass(frozen=True)
class Format:
    kind: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    limits: Limits

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


def _column(spec: dict) -> Column:
    column = Column(**{**spec, "allowed": tuple(spec.get("allowed", ()))})
    if column.type not in COLUMN_TYPES:
        raise ValueError(f"{FORMATS_FILE.name}: column {column.name} has unknown type {column.type!r}")
    return column


def _limits(path: Path, where: str, spec: dict) -> Limits:
    try:
        limits = Limits(**spec)
    except TypeError as exc:
        raise ValueError(f"{path.name}: {where}: {exc}") from exc
    if bad := [name for name, value in vars(limits).items() if not value > 0]:
        raise ValueError(f"{path.name}: {where}: {', '.join(bad)} must be positive")
    return limits


def load_formats(path: Path = FORMATS_FILE) -> dict[str, Format]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    leading = [_column(c) for c in data["common"]["leading"]]
    trailing = [_column(c) for c in data["common"]["trailing"]]
    formats = {}
    for kind, spec in data["kinds"].items():
        columns = (*leading, *(_column(c) for c in spec["columns"]), *trailing)
        limits = _limits(path, f"limits of {kind}", {**data["limits"], **spec.get("limits", {})})
        fmt = Format(kind, spec["description"], columns, tuple(spec["key"]), limits)
        if missing := [k for k in fmt.key if fmt.column(k) is None]:
            raise ValueError(f"{path.name}: key of {kind} names unknown columns {missing}")
        formats[kind] = fmt
    return formats


FORMATS: dict[str, Format] = load_formats()
KINDS: tuple[str, ...] = tuple(FORMATS)
DEFAULT_LIMITS: Limits = _limits(FORMATS_FILE, "[limits]", tomllib.loads(FORMATS_FILE.read_text(encoding="utf-8"))["limits"])


def limits_of(path: Path) -> Limits:
    """The limits for the file `path`: its kind's, or the defaults for a name that announces no kind."""
    kind = kind_of(path)
    return FORMATS[kind].limits if kind else DEFAULT_LIMITS


def kind_of(path: Path) -> str | None:
    """The kind a `.csv`/`.xlsx` name announces (`safety_survey_2025.csv` → `safety_survey`), or None:
    case-insensitive, the longest kind that prefixes the name wins (a kind may extend another's name)."""
    name = path.name.lower()
    if not name.endswith(SUFFIXES):
        return None
    matches = [kind for kind in KINDS if name.startswith(kind)]
    return max(matches, key=len, default=None)
