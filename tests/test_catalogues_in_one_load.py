"""Loading several plans' catalogues at once (load_catalogues, the catalogue step of a run of several plans)
writes what loading them one by one writes, with the formula view rendered once from all of them."""

from __future__ import annotations

import duckdb

from indicator_pipeline.catalog.load import bundled_plan_path, load_plans
from indicator_pipeline.steps.catalogue import load_catalogues
from indicator_pipeline.warehouse.models import apply_schema

TABLES = ("core.dim_plan", "core.dim_indicator", "core.dim_goal", "core.dim_target", "core.goal_context_indicator",
          "core.index_component")


def _contents(con: duckdb.DuckDBPyConnection) -> dict[str, object]:
    tables = {t: sorted(map(repr, con.execute(f"SELECT * FROM {t}").fetchall())) for t in TABLES}
    view = con.execute("SELECT sql FROM duckdb_views() WHERE schema_name = 'staging' AND view_name = 'formula_observation'").fetchall()
    comments = con.execute("SELECT comment FROM duckdb_views() WHERE view_name = 'formula_observation'").fetchall()
    return tables | {"view": view, "comments": comments}


def test_the_bundled_plans_loaded_at_once_are_the_same_as_one_by_one():
    plans = load_plans(str(bundled_plan_path().parent)).plans  # with indicators or none, formulas, index components
    assert len(plans) >= 3
    one_by_one, at_once = duckdb.connect(), duckdb.connect()
    for con in (one_by_one, at_once):
        apply_schema(con)
    for plan in plans:
        load_catalogues(one_by_one, [plan])
    load_catalogues(at_once, plans)
    expected = _contents(one_by_one)
    assert all(expected[t] for t in ("core.dim_plan", "core.dim_indicator", "core.dim_target", "core.index_component"))
    assert _contents(at_once) == expected
    # and loading them again replaces, never adds
    load_catalogues(at_once, plans)
    assert _contents(at_once) == expected
