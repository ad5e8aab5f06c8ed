"""Every table and view of staging, core and marts as its own asset, key <schema>/<name>. Tables are
written by Python steps (`table_specs`, `TableStep`); views are one subsettable step, `sql_models`, like
dagster-dbt's single op. raw.payload and meta.* are bookkeeping every step writes, not assets.
"""

import logging
from graphlib import TopologicalSorter
from collections.abc import Iterable, Iterator, Sequence

from dagster import AssetExecutionContext, AssetKey, AssetSpec, MaterializeResult, multi_asset

from assets.changes import mark_unchanged, nothing_changed_in_run, work_connection
from assets.common import OWNERS
from assets.metadata import peer_position_metadata, table_metadata
from assets.resources import PipelineResource
from indicator_pipeline.warehouse.dictionary import description
from indicator_pipeline.warehouse.models import create_views, models
from indicator_pipeline.warehouse.sql import object_files


def table_key(table: str) -> AssetKey:
    return AssetKey(table.split("."))


def _spec(key: str, deps: Iterable[str], kind: str, description: str, skippable=False, **metadata):
    return AssetSpec(
        table_key(key), deps=[table_key(dep) for dep in deps], description=description,
        group_name=key.split(".")[0], kinds={kind, "duckdb"}, owners=OWNERS, skippable=skippable,
        metadata={"dagster/table_name": key, **metadata},
    )


def table_specs(written: Sequence[str], deps: Sequence[str] = ()) -> list[AssetSpec]:
    """One spec per table a Python step writes (the first is the one its body describes), each
    downstream of `deps` (tables and views, `schema.name`), described by its file."""
    files = object_files("tables")
    return [_spec(t, deps, "python", description(files[t].read_text(encoding="utf-8"))) for t in written]


class TableStep:
    """A Python step's context: metadata goes to its first asset (`written[0]`); `results()` then
    materialises all of them, the others with whether they changed."""

    def __init__(self, context: AssetExecutionContext, written: Sequence[str]):
        self._context, self._written, self._said = context, list(written), {}

    def __getattr__(self, name):
        return getattr(self._context, name)

    def add_output_metadata(self, metadata: dict, output_name: str | None = None) -> None:
        self._said.update(metadata)
        self._context.add_output_metadata(metadata, output_name=output_name or table_key(self._written[0]).to_python_identifier())

    def results(self) -> Iterator[MaterializeResult]:
        """Every table of the step, each after those of the step it is built from (Dagster's rule)."""
        said = {k: v for k, v in self._said.items() if k.startswith("unchanged") or k == "reason"}  # why, on every table
        specs = {spec.key: spec for spec in self._context.assets_def.specs}
        for key in TopologicalSorter({k: {d.asset_key for d in s.deps} & set(specs) for k, s in specs.items()}).static_order():
            first = key == table_key(self._written[0])
            yield MaterializeResult(asset_key=key, metadata=None if first else {**said, "written_with": self._written[0]})


# What a mart's asset shows in the UI beyond its table: the peer comparison, the plan's position.
MODEL_METADATA = {"marts.peer_comparison": peer_position_metadata}


@multi_asset(
    name="sql_models",
    specs=[
        _spec(
            m.key, sorted(m.inputs), "sql", skippable=True, file=m.file,
            description=m.description or f"(no description: add a leading -- comment to {m.file})",
        )
        for m in models().values()
    ],
    can_subset=True,
    description="(Re)creates the selected views of sql/models/ in the order their SQL reads each other, with their comments.",
)
def sql_models(context: AssetExecutionContext, pipeline: PipelineResource) -> Iterator[MaterializeResult]:
    selected = [key for key in models() if table_key(key) in context.selected_asset_keys]
    if nothing_changed_in_run(context, pipeline):
        for key in selected:  # every view says so
            mark_unchanged(TableStep(context, [key]), pipeline, f"nothing changed in this run: {key} kept")
            yield MaterializeResult(asset_key=table_key(key))
        return
    with work_connection(context, pipeline) as con:
        create_views(con, selected)
        for key in selected:  # the marts BI users read: their rows and a preview, and MODEL_METADATA
            extra = MODEL_METADATA.get(key, lambda _: {})
            metadata = {**table_metadata(con, key), **extra(con)} if key.startswith("marts.") else {}
            yield MaterializeResult(asset_key=table_key(key), metadata=metadata)


for _model in models().values():
    if not _model.description:  # it still runs; the UI says so too (its description)
        logging.getLogger(__name__).warning(f"{_model.file} has no description: begin it with a -- comment saying what a row is")
