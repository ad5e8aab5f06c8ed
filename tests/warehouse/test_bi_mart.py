"""A BI team adds its own mart by adding one SQL file to sql/models/marts/ (its leading comment is its
description), with no Python change. In a copy of the repository with two new marts, one described and
one not, an offline refresh publishes both views (the described one with its description as the view's
comment), exports each as Parquet and CSV, the column dictionary lists their columns, the Dagster
definitions show each as an asset downstream of what its SQL reads, and the undescribed one is named in
a warning."""

from __future__ import annotations

import json

import duckdb
import pytest
from frictionless import Package
from repo_clone import Clone

DESCRIBED = """-- One row per goal and status: how many of the goal's targets have it (a BI team's own mart).
SELECT plan_id, goal_id, status, count(*) AS targets
FROM marts.goal_status
GROUP BY ALL
"""
UNDESCRIBED = """SELECT indicator_id, count(*) AS values_known
FROM core.fact_indicator_value
GROUP BY ALL
"""
GRAPH = """
import json
from dagster import AssetKey
from assets.definitions import defs
graph = defs.resolve_asset_graph()
print(json.dumps({
    name: {
        "parents": sorted(k.to_user_string() for k in graph.get(AssetKey.from_user_string(name)).parent_keys),
        "description": graph.get(AssetKey.from_user_string(name)).description,
    }
    for name in ("marts/goal_status_per_goal", "marts/values_per_indicator", "published_warehouse")
}))
"""


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Clone:
    """The repository copied as a BI team's clone, with the two marts added, refreshed offline."""
    clone = Clone(tmp_path_factory.mktemp("clone"))
    clone.add("models/marts/goal_status_per_goal.sql", DESCRIBED)
    clone.add("models/marts/values_per_indicator.sql", UNDESCRIBED)
    clone.refresh = clone.run("-m", "indicator_pipeline.cli", "refresh", "--offline")
    assert clone.refresh.returncode == 0, clone.refresh.stderr
    return clone


def test_the_marts_are_in_the_published_warehouse_with_their_descriptions(clone):
    with duckdb.connect(str(clone.warehouse), read_only=True) as con:
        comments = dict(con.execute(
            "SELECT view_name, comment FROM duckdb_views() WHERE schema_name = 'marts' "
            "AND view_name IN ('goal_status_per_goal', 'values_per_indicator')"
        ).fetchall())
        assert comments == {
            "goal_status_per_goal": "One row per goal and status: how many of the goal's targets have it (a BI team's own mart).",
            "values_per_indicator": None,
        }
        assert con.execute("SELECT sum(targets) FROM marts.goal_status_per_goal").fetchone() == con.execute(
            "SELECT count(*) FROM marts.goal_status"
        ).fetchone()


def test_the_marts_are_exported(clone):
    exports = clone.warehouse.parent / "exports"
    manifest = json.loads((exports / "manifest.json").read_text(encoding="utf-8"))
    listed = {f["file"] for f in manifest["files"]}
    for mart in ("goal_status_per_goal", "values_per_indicator"):
        assert {f"{mart}.parquet", f"{mart}.csv"} <= listed
        assert (exports / f"{mart}.parquet").stat().st_size > 0
    header = (exports / "goal_status_per_goal.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header == "plan_id;goal_id;status;targets"


def test_the_data_package_describes_their_columns_with_or_without_a_meaning(clone):
    exports = clone.warehouse.parent / "exports"
    report = Package(str(exports / "datapackage.json")).validate()
    assert report.valid, report.flatten(["title", "fieldName", "rowNumber", "note"])[:20]
    resources = {r["name"]: r for r in json.loads((exports / "datapackage.json").read_text(encoding="utf-8"))["resources"]}
    for kind in ("csv", "parquet"):
        own = resources[f"goal_status_per_goal-{kind}"]
        assert own["description"].startswith("One row per goal and status")
        fields = {f["name"]: f for f in own["schema"]["fields"]}
        assert list(fields) == ["plan_id", "goal_id", "status", "targets"]
        assert fields["goal_id"]["description"] == "The goal's id in the plan file (core.dim_goal)."  # a shared meaning
        assert fields["targets"] == {"name": "targets", "type": "integer"}  # not in sql/dictionary.toml: typed, no description
        assert "primaryKey" not in own["schema"]  # the dictionary declares no key for it
        assert "description" not in resources[f"values_per_indicator-{kind}"]


def test_the_column_dictionary_lists_their_columns(clone):
    listing = clone.run("-m", "indicator_pipeline.warehouse.dictionary", "--columns", str(clone.warehouse))
    assert listing.returncode == 0, listing.stderr
    rows = {(obj, column): meaning for obj, column, meaning in (line.split("\t") for line in listing.stdout.splitlines())}
    assert rows[("marts.goal_status_per_goal", "goal_id")] == "The goal's id in the plan file (core.dim_goal)."  # a shared meaning
    assert rows[("marts.goal_status_per_goal", "targets")] == ""  # not in sql/dictionary.toml: listed, empty
    assert rows[("marts.values_per_indicator", "values_known")] == ""


def test_the_marts_are_assets_downstream_of_what_they_read(clone):
    graph = clone.run("-c", GRAPH)
    assert graph.returncode == 0, graph.stderr
    nodes = json.loads(graph.stdout.splitlines()[-1])
    assert nodes["marts/goal_status_per_goal"]["parents"] == ["marts/goal_status"]
    assert nodes["marts/values_per_indicator"]["parents"] == ["core/fact_indicator_value"]
    assert nodes["marts/goal_status_per_goal"]["description"].startswith("One row per goal and status")
    assert {"marts/goal_status_per_goal", "marts/values_per_indicator"} <= set(nodes["published_warehouse"]["parents"])


def test_a_mart_without_a_description_runs_with_a_warning_naming_it(clone):
    warning = "sql/models/marts/values_per_indicator.sql has no description"
    assert warning in clone.refresh.stderr + clone.refresh.stdout
    assert "goal_status_per_goal.sql has no description" not in clone.refresh.stderr
