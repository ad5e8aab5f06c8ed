"""Tables that describe themselves: every table, view, macro and column in raw, staging, core, marts and
meta carries a comment, the object's from its file's leading comment and the column's from the one column
dictionary (sql/dictionary.toml), in a fresh schema, in the published bundled warehouse and in a copy of
it; the README's BI table is generated from the dictionary."""

from __future__ import annotations

import re

import duckdb
import pytest

from indicator_pipeline.warehouse.dictionary import (
    README,
    SCHEMAS,
    comment_text,
    descriptions,
    load_dictionary,
    readme_with_table,
    undocumented,
)
from indicator_pipeline.warehouse.models import apply_schema

UNCOMMENTED = """
SELECT 'table ' || schema_name || '.' || table_name FROM duckdb_tables()
WHERE database_name = $db AND schema_name IN $schemas AND coalesce(comment, '') = ''
UNION ALL
SELECT 'view ' || schema_name || '.' || view_name FROM duckdb_views()
WHERE database_name = $db AND schema_name IN $schemas AND coalesce(comment, '') = ''
UNION ALL
SELECT DISTINCT 'macro ' || schema_name || '.' || function_name FROM duckdb_functions()
WHERE database_name = $db AND schema_name IN $schemas AND function_type IN ('macro', 'table_macro')
  AND coalesce(comment, '') = ''
UNION ALL
SELECT 'column ' || schema_name || '.' || table_name || '.' || column_name FROM duckdb_columns()
WHERE database_name = $db AND schema_name IN $schemas AND coalesce(comment, '') = ''
"""
COUNTS = """
SELECT
    (SELECT count(*) FROM duckdb_tables() WHERE database_name = $db AND schema_name IN $schemas)
  + (SELECT count(*) FROM duckdb_views() WHERE database_name = $db AND schema_name IN $schemas),
    (SELECT count(*) FROM duckdb_columns() WHERE database_name = $db AND schema_name IN $schemas),
    (SELECT count(DISTINCT function_name) FROM duckdb_functions() WHERE database_name = $db AND schema_name IN $schemas
       AND function_type IN ('macro', 'table_macro'))
"""


def uncommented(con, db: str) -> list[str]:
    return sorted(r[0] for r in con.execute(UNCOMMENTED, {"db": db, "schemas": list(SCHEMAS)}).fetchall())


def counts(con, db: str) -> tuple[int, int, int]:
    return con.execute(COUNTS, {"db": db, "schemas": list(SCHEMAS)}).fetchone()


@pytest.fixture
def fresh(empty_warehouse):
    return empty_warehouse


def test_every_object_and_column_of_a_new_warehouse_has_a_comment(fresh):
    assert undocumented(fresh) == []
    assert uncommented(fresh, "memory") == []
    objects, columns, macros = counts(fresh, "memory")
    assert objects >= 40 and columns >= 500 and macros == 4


def test_a_new_column_without_a_dictionary_entry_is_caught(fresh):
    fresh.execute("ALTER TABLE core.dim_goal ADD COLUMN colour VARCHAR")
    fresh.execute("CREATE VIEW marts.surprise AS SELECT 1 AS goal_id")
    apply_schema(fresh)
    assert undocumented(fresh) == ["view marts.surprise", "column core.dim_goal.colour"]
    assert uncommented(fresh, "memory") == ["column core.dim_goal.colour", "view marts.surprise"]


def test_a_replaced_view_gets_its_comments_back(fresh):
    fresh.execute("CREATE OR REPLACE VIEW marts.goal_status_history AS SELECT * FROM marts.goal_status_history")
    assert "view marts.goal_status_history" in uncommented(fresh, "memory")
    apply_schema(fresh)
    assert uncommented(fresh, "memory") == []


def test_comments_say_the_dictionary_text_with_its_unit(fresh):
    d = load_dictionary()
    gap = fresh.execute(
        "SELECT comment FROM duckdb_columns() WHERE schema_name = 'marts' AND table_name = 'goal_status' AND column_name = 'gap'"
    ).fetchone()[0]
    assert gap == comment_text(d.columns["gap"]) and gap.endswith("Unit: the row's unit.")
    hectares = fresh.execute(
        "SELECT comment FROM duckdb_columns() WHERE table_name = 'filedrop_sellable_land' AND column_name = 'hectares'"
    ).fetchone()[0]
    assert hectares == "Land made available for sale. Unit: hectares."
    (macro,) = fresh.execute(
        "SELECT DISTINCT comment FROM duckdb_functions() WHERE schema_name = 'core' AND function_name = 'fact_indicator_value_at'"
    ).fetchone()
    assert macro.startswith("fact_indicator_value_at(known_at TIMESTAMPTZ)")


def test_the_dictionary_describes_nothing_that_is_not_there(fresh):
    d = load_dictionary()
    objects = {f"{s}.{n}" for s, n in fresh.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() UNION SELECT schema_name, view_name FROM duckdb_views()"
    ).fetchall()}
    macros = {f"{s}.{n}" for s, n in fresh.execute(
        "SELECT schema_name, function_name FROM duckdb_functions() WHERE function_type IN ('macro', 'table_macro')"
    ).fetchall()}
    columns = fresh.execute("SELECT schema_name || '.' || table_name, column_name FROM duckdb_columns()").fetchall()
    assert set(d.objects) - objects == set()
    documented = {name for name in objects | macros if name.split(".")[0] in SCHEMAS}
    assert set(descriptions()) == documented  # one file per object, and every object has one
    stale = [
        f"{name}.{column}" for name, entry in d.objects.items() for column in entry.get("columns", {})
        if (name, column) not in columns
    ]
    assert stale == []
    assert set(d.columns) - {column for _, column in columns} == set()  # every shared meaning is used


def test_the_readme_table_is_the_dictionarys(fresh):
    readme = README.read_text(encoding="utf-8")
    assert readme_with_table(readme) == readme, "run: python -m indicator_pipeline.warehouse.dictionary --readme"
    d = load_dictionary()
    columns = set(fresh.execute("SELECT schema_name || '.' || table_name, column_name FROM duckdb_columns()").fetchall())
    listed = [(row["objects"][0], c) for row in d.readme for c in row.get("columns", [])]
    assert len(listed) > 100
    assert [pair for pair in listed if pair not in columns] == []
    for row in d.readme:  # each row names documented objects (or a whole schema)
        for name in row["objects"]:
            assert name in descriptions() or name in SCHEMAS, name
    # and the README shows every marts object
    marts = {f"marts.{n}" for (n,) in fresh.execute("SELECT view_name FROM duckdb_views() WHERE schema_name = 'marts'").fetchall()}
    assert marts <= {name for row in d.readme for name in row["objects"]}
    assert re.search(r"\| `marts\.goal_status_display` \|", readme)


def test_the_published_warehouse_and_a_copy_of_it_are_commented(bundled_refresh, tmp_path):
    copy = tmp_path / "copy.duckdb"
    with duckdb.connect() as con:
        con.execute(f"ATTACH '{bundled_refresh.path}' AS published (READ_ONLY)")
        assert uncommented(con, "published") == []
        con.execute(f"ATTACH '{copy}' AS copied")
        con.execute("COPY FROM DATABASE published TO copied")
        assert counts(con, "copied") == counts(con, "published")
        assert uncommented(con, "copied") == []
        assert con.execute(
            "SELECT comment FROM duckdb_views() WHERE database_name = 'copied' AND view_name = 'goal_status'"
        ).fetchone()[0] == descriptions()["marts.goal_status"]
