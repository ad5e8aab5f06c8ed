"""The published warehouse opens in a real DuckDB 1.x, the version BI drivers embed (Power BI's ODBC
driver, Metabase, Superset, DBeaver), not just in the DuckDB 2 the pipeline writes with.

Each version gets a throwaway environment made with uv (installing into it is the one network use
the tests allow), once per test session; a script run by that client opens the bundled published file
read-only and reads every table and view in marts and core, the table macro, and the Parquet exports.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

PROJECT = Path(__file__).resolve().parents[1]
UV = PROJECT / ".venv" / "bin" / "uv"
# The oldest release the default storage format (v1.1.0) is for, and the newest 1.x release.
CLIENT_VERSIONS = ("1.1.3", "1.5.6")

# Run by each client, and by the project's DuckDB 2 for the expected answer: per object, its row count
# and a digest of every value as text, so "reads" means every column of every row, equal to DuckDB 2's.
READ_EVERYTHING = textwrap.dedent(
    """
    import json, sys
    import duckdb

    path, exports = sys.argv[1], sys.argv[2]
    con = duckdb.connect(path, read_only=True)
    con.execute("SET TimeZone = 'UTC'")

    def digest(source, columns):
        row = " || chr(31) || ".join(f"coalesce(CAST(\\"{c}\\" AS VARCHAR), '<null>')" for c in columns)
        return con.execute(
            f"SELECT count(*), md5(coalesce(string_agg(r, chr(10) ORDER BY r), '')) FROM (SELECT {row} AS r FROM {source})"
        ).fetchall()[0]

    objects = con.execute(
        "SELECT schema_name, table_name FROM duckdb_columns() WHERE schema_name IN ('marts', 'core') "
        "GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    read = {}
    for schema, name in objects:
        columns = [c for (c,) in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE schema_name = ? AND table_name = ? ORDER BY column_index",
            [schema, name],
        ).fetchall()]
        read[f"{schema}.{name}"] = digest(f"{schema}.{name}", columns)
        if schema == "marts":
            read[f"exports/{name}.parquet"] = digest(f"read_parquet('{exports}/{name}.parquet')", columns)
    macro = "core.fact_indicator_value_at(TIMESTAMPTZ '2026-11-20 23:59:59+01')"
    columns = [d[0] for d in con.execute(f"SELECT * FROM {macro} LIMIT 0").description]
    read[macro] = digest(macro, columns)
    gap = con.execute("SELECT gap FROM marts.goal_status WHERE target_id = 'nki_2025'").fetchall()
    print(json.dumps({"version": duckdb.__version__, "read": read, "nki_gap": gap}))
    """
)


def read_everything(python: Path | str, warehouse: Path) -> dict:
    result = subprocess.run(
        [str(python), "-c", READ_EVERYTHING, str(warehouse), str(warehouse.parent / "exports")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


@pytest.fixture(scope="session")
def duckdb1_python(tmp_path_factory):
    """`python(version) -> path`: a Python with only duckdb==version, made once per session."""
    made: dict[str, Path] = {}

    def python(version: str) -> Path:
        if version not in made:
            env = tmp_path_factory.mktemp(f"duckdb-{version}")
            subprocess.run([str(UV), "venv", "--quiet", "--python", sys.executable, str(env)], check=True, timeout=300)
            subprocess.run(
                [str(UV), "pip", "install", "--quiet", "--python", str(env / "bin" / "python"), f"duckdb=={version}"],
                check=True,
                timeout=600,
            )
            made[version] = env / "bin" / "python"
        return made[version]

    return python


@pytest.mark.parametrize("version", CLIENT_VERSIONS)
def test_a_duckdb_1x_client_reads_every_table_view_macro_and_export(bundled_refresh, duckdb1_python, version):
    expected = read_everything(sys.executable, bundled_refresh.path)  # the project's DuckDB 2
    assert expected["version"].startswith("2.")
    assert {"marts.goal_status", "marts.indicator_vs_target", "core.fact_indicator_value", "core.dim_goal"} <= set(expected["read"])
    marts_views = [name for name in expected["read"] if name.startswith("marts.")]
    assert len([name for name in expected["read"] if name.startswith("exports/")]) == len(marts_views) >= 6
    assert expected["read"]["core.fact_indicator_value_at(TIMESTAMPTZ '2026-11-20 23:59:59+01')"][0] > 0
    read = read_everything(duckdb1_python(version), bundled_refresh.path)
    assert read["version"] == version
    assert read["read"] == expected["read"]  # every object and export: same rows, same values
    assert read["nki_gap"] == expected["nki_gap"] and read["nki_gap"][0][0] == pytest.approx(-0.7)


def test_a_file_in_duckdb_2s_own_format_is_refused_by_duckdb_1(tmp_path, duckdb1_python):
    """The guard the test above rests on: a file in DuckDB 2's format is refused by 1.1.3 (so reading the
    published one really shows the storage version took effect)."""
    own_format = tmp_path / "own-format.duckdb"
    with duckdb.connect(str(own_format)) as con:
        con.execute("CREATE TABLE t AS SELECT 1 AS x")
    result = subprocess.run(
        [str(duckdb1_python("1.1.3")), "-c", "import duckdb, sys; duckdb.connect(sys.argv[1], read_only=True)", str(own_format)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0 and "version number" in result.stderr, result.stderr[-2000:]


def test_the_readmes_read_only_python_line_works_as_written(bundled_refresh):
    """The README's line, run from the folder holding `warehouse/indicators.duckdb` (the bundled refresh's)."""
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    lines = [line for line in readme.splitlines() if line.startswith(".venv/bin/python -c ") and "FROM marts.goal_status'" in line]
    assert len(lines) == 1, lines
    command = lines[0].replace(".venv/bin/python", f'"{sys.executable}"', 1)
    assert bundled_refresh.path.relative_to(bundled_refresh.path.parent.parent) == Path("warehouse/indicators.duckdb")
    result = subprocess.run(command, shell=True, cwd=bundled_refresh.path.parent.parent, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "nki_2025" in result.stdout and "not_met" in result.stdout
    assert not (bundled_refresh.path.parent / "indicators.duckdb.wal").exists()  # read-only: nothing written
