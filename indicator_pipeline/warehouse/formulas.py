"""Render the computed measures' formulas into the SQL view that computes them.

The view is the model `sql/models/staging/formula_observation.sql`; the only generated part is its list
of `{plan_id, indicator_id, value}`, one per formula in `core.dim_indicator`, with each formula compiled
by `indicator_pipeline.catalog.formula` (names become the year's value of that input). The view is
rendered from the catalogue the warehouse holds, so applying the schema and loading a plan's
catalogue both leave it matching that catalogue.
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

