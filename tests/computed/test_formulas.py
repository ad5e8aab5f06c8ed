"""Plan formulas: what the reader accepts and refuses, and the SQL they compile to, run on DuckDB with
the warehouse's own view (sql/models/staging/formula_observation.sql) and a plan changed only in its file."""

from __future__ import annotations

import tomllib

import duckdb
import polars as pl
import pytest

from indicator_pipeline.catalog import load_plan
from indicator_pipeline.catalog.formula import parse_formula
from indicator_pipeline.catalog.load import bundled_plan_path, parse_plan
from indicator_pipeline.errors import CatalogueError
from indicator_pipeline.steps.catalogue import load_catalogues
from indicator_pipeline.steps.facts import add_vintages
from indicator_pipeline.warehouse.models import apply_schema


@pytest.mark.parametrize(
    "text, problem",
    [
        ("result ** 2", "operator Pow is not allowed"),
        ("abs(result)", "call is not allowed"),
        ("result.value", "attribute is not allowed"),
        ("result > 0", "compare is not allowed"),
        ("'result'", "'result' is not a number"),
        ("result if equity else 0", "ifexp is not allowed"),
        ("__import__('os').system('true')", "call is not allowed"),
        ("result; equity", "is not an arithmetic expression"),
        ("100", "names no input"),
        ("tax_revenue + ", "is not an arithmetic expression"),
    ],
)
def test_a_formula_outside_names_numbers_and_arithmetic_is_refused_naming_indicator_and_text(text, problem):
    with pytest.raises(CatalogueError) as caught:
        parse_formula(text, "plan file x.toml indicator 'soliditet_city'")
    message = str(caught.value)
    assert message.startswith("plan file x.toml indicator 'soliditet_city': formula")
    assert problem in message and repr(text) in message


def test_a_formula_compiles_to_sql_with_division_by_zero_as_null():
    formula = parse_formula("-(a - b) / (c + 2.5) * 100", "x")
    assert formula.names == ("a", "b", "c")
    assert formula.to_sql(str.upper) == "(((-(A - B)) / nullif((C + 2.5), 0)) * 100)"


def _plan_raw() -> dict:
    return tomllib.loads(bundled_plan_path().read_text(encoding="utf-8"))


def _with_formula(raw: dict, indicator_id: str, formula: str) -> dict:
    for item in raw["indicators"]:
        if item["id"] == indicator_id:
            item["formula"] = formula
    return raw


def test_the_plan_file_error_names_the_file_line_indicator_and_text(tmp_path):
    path = tmp_path / "plan.toml"
    text = bundled_plan_path().read_text(encoding="utf-8")
    path.write_text(text.replace('formula = "cash_flow_operations / investments * 100"', 'formula = "pow(cash_flow_operations, 2)"'))
    with pytest.raises(CatalogueError) as caught:
        load_plan(path)
    message = str(caught.value)
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row == 'id = "self_financing_city"')
    assert message.startswith(f"plan file {path}, line {line}: ")
    assert "indicator 'self_financing_city'" in message and "'pow(cash_flow_operations, 2)'" in message


@pytest.mark.parametrize(
    "indicator_id, formula, named",
    [
        ("soliditet_city", "equity / total_assets_typo * 100", "'total_assets_typo', which is not a line_id of the financial_statements"),
        ("tax_grants_equalisation_mnkr_kolada", "(N03010 + N09999) * N01951 / 1000000", "'N09999', which is not a KPI the plan fetches"),
    ],
)
def test_a_formula_naming_an_input_its_source_does_not_have_is_refused(indicator_id, formula, named):
    with pytest.raises(CatalogueError, match=named):
        parse_plan(_with_formula(_plan_raw(), indicator_id, formula))


def test_a_computed_measure_from_the_statements_needs_a_formula():
    raw = _plan_raw()
    for item in raw["indicators"]:
        if item["id"] == "soliditet_city":
            del item["formula"]
    with pytest.raises(CatalogueError, match="'soliditet_city': a computed indicator from 'financial_statements' needs a formula"):
        parse_plan(raw)


def _statements(con, year: int, lines: dict[str, float | None]) -> None:
    frame = pl.DataFrame(
        [
            {"year": year, "line_id": k, "line": k, "amount_mnkr": v, "preliminary": k == "equity", "reported_on": None,
             "source_file": "financial_statements_x.csv", "raw_sha256": "a" * 64, "retrieved_at": "2026-03-20T08:00:00+00:00"}
            for k, v in lines.items()
        ],
        infer_schema_length=None,
    )
    con.register("incoming_rows", frame.to_arrow())
    con.execute("INSERT INTO staging.filedrop_financial_statements BY NAME SELECT * FROM incoming_rows")
    con.unregister("incoming_rows")


def _values(con, indicator_id: str) -> dict[int, tuple]:
    rows = con.execute(
        "SELECT year, value, preliminary FROM core.fact_indicator_value WHERE indicator_id = ? ORDER BY year", [indicator_id]
    ).fetchall()
    return {year: (value, preliminary) for year, value, preliminary in rows}


def test_the_warehouse_computes_what_the_plan_file_says():
    """Another definition in the plan file is another computation: no SQL changes. A division by zero
    and a missing line are NULL, never 0; a value is preliminary only if an input it uses is."""
    raw = _with_formula(_plan_raw(), "soliditet_city", "equity / total_assets * 100")
    raw = _with_formula(raw, "self_financing_city", "cash_flow_operations / investments * 100")
    raw = _with_formula(raw, "result_adjusted_mnkr", "result - exploatering_result")
    with duckdb.connect() as con:
        apply_schema(con)
        load_catalogues(con, [parse_plan(raw)])
        _statements(con, 2024, {"equity": 500.0, "total_assets": 1000.0, "cash_flow_operations": 90.0, "investments": 0.0,
                                "result": 50.0})
        add_vintages(con)
        assert _values(con, "soliditet_city") == {2024: (50.0, True)}
        assert _values(con, "self_financing_city") == {2024: (None, False)}  # / 0: missing, not 0 and not an error
        assert _values(con, "result_adjusted_mnkr") == {2024: (None, False)}  # exploatering_result missing
        formulas = dict(con.execute("SELECT indicator_id, formula FROM core.dim_indicator WHERE formula IS NOT NULL").fetchall())
        assert formulas["soliditet_city"] == "equity / total_assets * 100"


def test_the_formula_view_survives_a_schema_reapplied_over_the_catalogue():
    with duckdb.connect() as con:
        apply_schema(con)
        load_catalogues(con, [load_plan()])
        apply_schema(con)  # as a work file made from a published one, or an as-of copy
        _statements(con, 2025, {"cash_flow_operations": 75.0, "investments": 100.0})
        add_vintages(con)
        assert _values(con, "self_financing_city") == {2025: (75.0, False)}
