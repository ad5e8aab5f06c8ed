"""The scorecard report, written at every publish from the published file (read-only) into report/ beside it."""


from dagster import AssetExecutionContext, MetadataValue, asset

from assets.changes import mark_unchanged, unchanged_in_run
from assets.common import OWNERS
from assets.marts import published_warehouse
from assets.resources import PipelineResource


@asset(
    group_name="publish",
    kinds={"html"},
    owners=OWNERS,
    deps=[published_warehouse],
    description="report/ beside the warehouse: per plan, <plan id>.html with every goal's status, chart, data quality "
    "and sources, one self-contained HTML page (Swedish labels); and index.html (also scorecard.html) of the plans with "
    "their status counts, linking to their pages; from the published file opened read-only.",
)
def scorecard_report(context: AssetExecutionContext, pipeline: PipelineResource) -> None:
    if unchanged_in_run(context, "published_warehouse"):
        mark_unchanged(context, pipeline, "nothing was published in this run: the report stands as it was")
        return
    from indicator_pipeline.report import build_report, default_report_dir  # jinja2 and polars: only when the report runs

    published = pipeline.settings.warehouse_path
    written = build_report(published, default_report_dir(published))
    context.add_output_metadata({
        "index": MetadataValue.path(str(written.index)),
        "pages": MetadataValue.json({plan_id: str(path) for plan_id, path in written.pages.items()}),
        "page_count": len(written.pages),
    })
