"""The warehouse's documentation: what each object is and what each column means.

An object's description is its file's leading `--` comment block; a column's meaning is in
`sql/dictionary.toml`, which also makes the README's BI table. A replaced view loses its comments, so
models.py comments again after creating views.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import duckdb

from indicator_pipeline.warehouse.sql import OBJECT_FOLDERS, SQL_DIR, object_files, sql_literal, sql_text

DICTIONARY = SQL_DIR / "dictionary.toml"
SCHEMAS = ("raw", "staging", "core", "marts", "meta")
README = SQL_DIR.parent / "README.md"
README_BEGIN = "<!-- BI table: generated from sql/dictionary.toml, edit it there -->"
README_END = "<!-- end of the generated BI table -->"


@dataclass(frozen=True)
class Dictionary:
    columns: dict[str, dict]  # shared meanings by column name
    objects: dict[str, dict]  # "schema.name" -> {"columns": the object's own meanings}
    readme: list[dict]

    def column(self, obj: str, column: str) -> dict | None:
        """What `column` of `obj` means: the object's own entry, else the shared one."""
        own = self.objects.get(obj, {}).get("columns", {})
        return own.get(column) or self.columns.get(column)


@lru_cache(maxsize=1)
def load_dictionary(path: Path = DICTIONARY) -> Dictionary:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return Dictionary(data.get("columns", {}), data.get("objects", {}), data.get("readme", []))


def description(text: str) -> str:
    """An object file's description: its leading `--` comment lines, joined (empty when it has none)."""
    lines = []
    for line in text.splitlines():
        if not line.startswith("--"):
            break
        lines.append(line.removeprefix("--").strip())
    return " ".join(line for line in lines if line)


def descriptions() -> dict[str, str]:
    """`schema.name` -> description, for every table, macro and model file."""
    return {
        key: description(path.read_text(encoding="utf-8"))
        for folder in OBJECT_FOLDERS
        for key, path in object_files(folder).items()
    }


def comment_text(entry: dict) -> str:
    """The comment a dictionary entry gives: its description, then its unit."""
    text = entry["description"].strip()
    return f"{text} Unit: {entry['unit']}." if entry.get("unit") else text


def _statement(kind: str, parts: tuple[str, ...], text: str) -> str:
    template = "\n".join(line for line in sql_text("comments/comment_on.sql").splitlines() if not line.startswith("--"))
    name = ".".join('"' + part.replace('"', '""') + '"' for part in parts)
    return template.strip().format(kind=kind, name=name, text=sql_literal(text))


def _documentation(con: duckdb.DuckDBPyConnection) -> list[tuple[str, tuple[str, ...], str | None]]:
    """(kind, name parts, comment) of every table, view and macro in the documented schemas, then of their
    columns; the comment is None for an object without a description or a column the dictionary lacks."""
    d, described, schemas = load_dictionary(), descriptions(), {"schemas": list(SCHEMAS)}
    found = [
        (kind, (schema, name), described.get(f"{schema}.{name}") or None)
        for kind, schema, name in con.execute(sql_text("comments/documented_objects.sql"), schemas).fetchall()
    ]
    for schema, table, column in con.execute(sql_text("comments/documented_columns.sql"), schemas).fetchall():
        entry = d.column(f"{schema}.{table}", column)
        found.append(("COLUMN", (schema, table, column), comment_text(entry) if entry else None))
    return found


def apply_comments(con: duckdb.DuckDBPyConnection, keys: Collection[str] | None = None) -> None:
    """COMMENT ON every object and column in `con` that is described (idempotent), or only on the objects
    `keys` (`schema.name`) and their columns: those just replaced. Each statement costs some 0.6 ms, so
    commenting all 800 after each batch of views was a tenth of an offline refresh."""
    statements = (
        _statement(kind, parts, text)
        for kind, parts, text in _documentation(con)
        if text is not None and (keys is None or ".".join(parts[:2]) in keys)
    )
    con.execute("\n".join(statements))


def undocumented(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Objects in the documented schemas without a description, and columns the dictionary does not describe."""
    return [f"{kind.lower()} {'.'.join(parts)}" for kind, parts, text in _documentation(con) if text is None]


def column_dictionary(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str]]:
    """(object, column, meaning) for every column in the documented schemas; the meaning is empty
    where the dictionary has none (e.g. a mart a BI team added without describing its columns)."""
    columns = [(parts, text) for kind, parts, text in _documentation(con) if kind == "COLUMN"]
    return [(f"{schema}.{table}", column, text or "") for (schema, table, column), text in columns]


def readme_table() -> str:
    """The README's table of what BI users find, from the dictionary's [[readme]] rows."""
    d = load_dictionary()
    lines = ["| table | one row per | columns worth knowing |", "|---|---|---|"]
    for row in d.readme:
        shown = row.get("show") or ", ".join(f"`{name}`" for name in row["objects"])
        glosses = [(c, (d.column(row["objects"][0], c) or {}).get("readme")) for c in row.get("columns", [])]
        text = ", ".join(f"`{c}` ({gloss})" if gloss else f"`{c}`" for c, gloss in glosses) + row.get("text", "")
        lines.append(f"| {shown} | {row['grain']} | {text} |")
    return "\n".join(lines)


def readme_with_table(readme: str) -> str:
    """`readme` with the text between the markers replaced by `readme_table()`."""
    head, begin, rest = readme.partition(README_BEGIN)
    _, end, tail = rest.partition(README_END)
    if not begin or not end:
        raise ValueError(f"the README has no {README_BEGIN!r} ... {README_END!r} block")
    return f"{head}{README_BEGIN}\n{readme_table()}\n{README_END}{tail}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readme", nargs="?", const=str(README), help="rewrite the README's BI table from the dictionary")
    parser.add_argument("--check", action="store_true", help="with --readme: exit 1 when the README's table differs")
    parser.add_argument("--columns", metavar="WAREHOUSE", help="list every column of a warehouse file with its meaning (tab-separated)")
    args = parser.parse_args(argv)
    if args.columns:
        with duckdb.connect(args.columns, read_only=True) as con:
            print("\n".join("\t".join(row) for row in column_dictionary(con)))
        return 0
    if not args.readme:
        print(readme_table())
        return 0
    path = Path(args.readme)
    current = path.read_text(encoding="utf-8")
    wanted = readme_with_table(current)
    if not args.check:
        path.write_text(wanted, encoding="utf-8")
    elif current != wanted:
        print(f"{path}: the BI table differs from sql/dictionary.toml; run with --readme to rewrite it", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
