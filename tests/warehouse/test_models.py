"""The models' dependencies are read from their SQL: each view is created after what it reads, a CTE
is not an input, a macro stands for what it reads, and an unknown reference or a cycle fails naming the
file and the reference."""

from __future__ import annotations

import pytest

from indicator_pipeline.warehouse.models import models
from repo_clone import Clone

LOAD = "from indicator_pipeline.warehouse.models import models; models()"


def test_every_view_comes_after_the_views_it_reads():
    order = list(models())
    for position, model in enumerate(models().values()):
        assert {i for i in model.inputs if i in order} <= set(order[:position]), model.key


def test_inputs_are_the_tables_and_views_the_sql_reads():
    graph = models()
    assert graph["staging.observation"].inputs == {"staging.source_observation", "staging.formula_observation", "staging.index_observation"}
    # its CTEs (formula_input, computed) are not inputs; the generated formulas are no reference
    assert graph["staging.formula_observation"].inputs == {
        "core.dim_indicator", "core.dim_plan", "staging.filedrop_financial_statements", "staging.kolada_values",
        "core.declared_provenance",  # the inputs' declared provenance
    }
    # core.fact_indicator_value_at(...) is a macro: what it (and latest_vintage_at in it) reads
    assert graph["core.fact_indicator_value"].inputs == {"core.indicator_value_vintage", "core.dim_indicator"}
    assert graph["marts.goal_status_display"].inputs == {"marts.goal_status"}  # its scalar macros read nothing


@pytest.mark.parametrize(
    "files, message",
    [
        ({"models/marts/typo.sql": "-- A typo.\nSELECT * FROM marts.goal_statsu\n"},
         "sql/models/marts/typo.sql reads marts.goal_statsu, which no file in sql/tables, sql/models or sql/macros defines"),
        ({"models/marts/bare.sql": "-- No schema.\nSELECT * FROM goal_status\n"},
         "sql/models/marts/bare.sql reads goal_status without its schema (write schema.goal_status)"),
        ({"models/marts/hen.sql": "-- Hen.\nSELECT * FROM marts.egg\n", "models/marts/egg.sql": "-- Egg.\nSELECT * FROM marts.hen\n"},
         "the models read each other in a cycle"),
    ],
    ids=["unknown reference", "no schema", "cycle"],
)
def test_a_model_that_cannot_be_ordered_fails_naming_its_file(tmp_path, files, message):
    clone = Clone(tmp_path)
    for name, text in files.items():
        clone.add(name, text)
    loaded = clone.run("-c", LOAD)
    assert loaded.returncode != 0
    assert message in loaded.stderr
    assert all(f"sql/{name}" in loaded.stderr for name in files)
