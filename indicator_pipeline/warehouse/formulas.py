"""Render the computed measures' formulas (core.dim_indicator) into the view
sql/models/staging/formula_observation.sql. It is rendered from the catalogue the warehouse holds, so
applying the schema and loading a plan's catalogue both leave it matching that catalogue.
"""

from __future__ import annotations

import duckdb

from indicator_pipeline.catalog.formula import parse_formula
from indicator_pipeline.warehouse.sql import create_view, sql_literal, sql_text

FORMULA_MODEL = "staging.formula_observation"
PLACEHOLDER = "/* compiled formulas */"


def apply_formula_view(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)create the formula view: the model's SELECT with the catalogue's formulas in its placeholder."""
    name = "models/" + FORMULA_MODEL.replace(".", "/") + ".sql"
    text = sql_text(name)
    if PLACEHOLDER not in text:
        raise ValueError(f"sql/{name} has lost its placeholder {PLACEHOLDER}")
    rows = con.sql(sql_text("load/catalogue_formulas.sql")).fetchall()
    create_view(con, FORMULA_MODEL, text.replace(PLACEHOLDER, ", ".join(_measure(*row) for row in rows)))


def _measure(plan_id: str, indicator_id: str, text: str) -> str:
    formula = parse_formula(text, f"plan {plan_id!r} indicator {indicator_id!r}")
    value = formula.to_sql(lambda name: f"max(value) FILTER (WHERE input_id = {sql_literal(name)})")
    plan, indicator = sql_literal(plan_id), sql_literal(indicator_id)
    return f"{{'plan_id': {plan}, 'indicator_id': {indicator}, 'value': {value}}}"

