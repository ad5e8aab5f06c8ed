"""Great Expectations suites as Dagster asset checks, one generated per QUALITY_REGISTRY entry (PUDL-style).

Each check reads its table out of the run's work DuckDB file as pandas, validates it
(indicator_pipeline.quality), records the result in meta.validation_result and meta.validation_run, and
returns the verdict with a markdown table of the failures. A blocking check's failure (severity ERROR)
stops every downstream asset, `published_warehouse` included; a non-blocking one only warns.
docs/quality-gate.md says how to add a suite.
"""

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import duckdb
from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetChecksDefinition,
    MetadataValue,
    asset_check,
)


from assets.changes import reading_connection, unchanged_in_run
from assets.models import table_key
from assets.resources import PipelineResource
from indicator_pipeline import quality
from indicator_pipeline.warehouse.sql import query, run_script, sql_text

Prepare = Callable[[object, object], object]  # (pandas frame, plan) -> pandas frame


def kolada_units(frame, plan):
    """Add `unit`: the catalogue unit of each row's KPI (null for a KPI the plan does not know)."""
    frame["unit"] = frame["kpi_id"].map(quality.catalogue_units(plan, "kolada"))
    return frame


def scb_units_and_year(frame, plan):
    """Add `unit` (catalogue unit of the row's table) and `year` (the first four digits of SCB's period)."""
    import pandas as pd

    frame["unit"] = frame["table_id"].map(quality.catalogue_units(plan, "scb"))
    frame["year"] = pd.to_numeric(frame["period"].astype(object).str.slice(0, 4), errors="coerce").astype("Int64")
    return frame


def fact_measures(frame, plan):
    """Add `measure`: what each row's indicator measures (a Kolada KPI id, a computed measure), so ranges
    that differ within one unit (a share in percent vs. soliditet in percent) can be keyed on it. The table
    also holds the values of plans kept from earlier runs: their rows measure their own source id."""
    frame["measure"] = frame["indicator_id"].map(quality.indicator_measures(plan)).fillna(frame["source_id"])
    return frame


@dataclass(frozen=True)
class SuiteBinding:
    suite: str  # expectations/<suite>.json
    table: str  # schema.table in the run's work warehouse, and so the asset checked (key schema/table)
    blocking: bool = True  # True: a failure stops everything downstream (ERROR); False: report only (WARN)
    prepare: Prepare | None = None
    source: str | None = None  # the source the table holds (as Plan.sources_read names it); None: every plan's

    def applies_to(self, plan) -> bool:
        """A source's table is validated only for a plan that reads that source (an empty SCB table of a
        plan with Kolada goals only is no fault). A table of every source (the facts, the reconciliation)
        is not validated for a plan without indicators (a parent plan of directions), which writes none of it."""
        return bool(plan.indicators) if self.source is None else self.source in plan.sources_read()

    @property
    def check_name(self) -> str:
        return f"gx_{Path(self.suite).stem}"


QUALITY_REGISTRY: list[SuiteBinding] = [
    SuiteBinding("staging_kolada_kpi", "staging.kolada_kpi", source="kolada"),
    SuiteBinding("staging_kolada_values", "staging.kolada_values", prepare=kolada_units, source="kolada"),
    SuiteBinding("staging_scb_values", "staging.scb_values", prepare=scb_units_and_year, source="scb"),
    *(
        SuiteBinding(f"staging_filedrop_{kind}", f"staging.filedrop_{kind}", source=f"filedrop_{kind}")
        for kind in ("self_build_plots", "sellable_land", "safety_survey", "financial_statements")
    ),
    SuiteBinding("core_fact_indicator_value", "core.fact_indicator_value", prepare=fact_measures),
    # A reconciliation that breaks the plan's expectation (agreement, or a by-design expected difference)
    # is a warning for the controller, never a stop; a by-design gap as expected is no warning at all.
    SuiteBinding("marts_reconciliation", "marts.reconciliation", blocking=False),
]


def validate_binding(binding: SuiteBinding, con, plan, as_of) -> quality.ValidationOutcome:
    """Read the bound table from `con`, prepare it, validate it. Any failure to do so is a failed result."""
    if not binding.applies_to(plan):
        return quality.not_read(binding.suite, binding.table, binding.source or "any source (it has no indicators)")
    try:
        frame = con.table(binding.table).df()
        if binding.prepare is not None:
            frame = binding.prepare(frame, plan)
        parameters = _run_parameters(con, plan, as_of)
    except Exception as exc:  # noqa: BLE001 - a check that cannot read its data must fail, never pass
        return quality.cannot_run(binding.suite, binding.table, f"cannot read {binding.table}: {type(exc).__name__}: {exc}")
    return quality.validate_frame(frame, binding.suite, parameters, dataset=binding.table)


def _run_parameters(con, plan, as_of) -> dict:
    """The suite parameters, with the run's peer set ((code, role) pairs), every code Kolada knows and how
    many KPI x municipality x year cells the Kolada data requests asked for. A table checked without the
    peer tables or the coverage beside it is held to the plan's own municipality and KPI count."""
    plan_ids = [p.id for p in plan.plans]
    municipalities = _rows(con, "load/check_peer_set.sql", {"plan_ids": plan_ids})  # (code, role or None)
    [(requested,)] = _rows(con, "load/kolada_requested.sql") or [(None,)]
    catalogued = [indicator_id for (indicator_id,) in _rows(con, "load/catalogued_indicators.sql")]
    peer_set = [(code, role) for code, role in municipalities if role is not None]
    known = [code for code, _ in municipalities]
    return quality.run_parameters(
        plan, as_of, kolada_requested=requested or None, peer_set=peer_set, known_municipalities=known,
        kept_indicator_ids=catalogued,
    )


def _rows(con, name: str, params: dict | None = None) -> list[tuple]:
    """The rows of `sql/<name>`; none when a table it reads is not in `con`."""
    try:
        return con.execute(sql_text(name), params or {}).fetchall()
    except duckdb.CatalogException:
        return []


def _verdict(binding: SuiteBinding, passed: bool, description: str, **metadata) -> AssetCheckResult:
    return AssetCheckResult(
        passed=passed,
        severity=AssetCheckSeverity.ERROR if binding.blocking else AssetCheckSeverity.WARN,
        description=description,
        metadata={
            **metadata,
            "first_failure": "" if passed else description,
            "dataset": binding.table,
            "suite": MetadataValue.path(str(quality.suite_path(binding.suite))),
            "blocking": binding.blocking,
        },
    )


def check_result(binding: SuiteBinding, result: quality.ValidationOutcome) -> AssetCheckResult:
    return _verdict(
        binding,
        result.success,
        result.first_failure_line(),
        statistics=MetadataValue.json(result.statistics),
        failures=MetadataValue.md(quality.render_markdown(result)),
    )


def previous_result(binding: SuiteBinding, con) -> AssetCheckResult | None:
    """The verdict of the suite's latest validation, for a table unchanged since (None: none recorded)."""
    # Read as a tuple, not a frame: on a night with nothing to do, no other step converts to polars (pyarrow).
    cursor = con.execute(sql_text("load/last_validation.sql"), {"suite": Path(binding.suite).stem})
    row = cursor.fetchone()
    if row is None:
        return None
    last = dict(zip([column for column, *_ in cursor.description], row))
    verdict = "passed" if last["success"] else "failed"
    return _verdict(
        binding,
        bool(last["success"]),
        f"not validated again: {binding.table} is unchanged since run {last['run_id']}, whose validation {verdict}",
        revalidated=False,
        validated_in_run=last["run_id"],
        statistics=MetadataValue.json(json.loads(last["statistics"] or "{}")),
    )


def build_check(binding: SuiteBinding) -> AssetChecksDefinition:
    @asset_check(
        asset=table_key(binding.table),
        name=binding.check_name,
        blocking=binding.blocking,
        description=(
            f"Great Expectations suite {quality.suite_path(binding.suite).name} on {binding.table}"
            + (" (blocking: a failure stops everything downstream)" if binding.blocking else " (warning only)")
        ),
    )
    def _check(context: AssetCheckExecutionContext, pipeline: PipelineResource) -> AssetCheckResult:
        settings = pipeline.settings
        run_id = context.run.run_id
        validated_at = datetime.now(timezone.utc)
        if unchanged_in_run(context, binding.table.split(".")):
            with reading_connection(context, pipeline) as con:
                previous = previous_result(binding, con)
            if previous is not None:
                context.log.info(previous.description)
                return previous
        with pipeline.work_connection(context.run) as con:
            # the data checked is what the sources sent on the fetch date, whatever date it is judged as of
            result = validate_binding(binding, con, settings.plans, settings.fetch_date())
            suite = Path(binding.suite).stem
            run_script(con, "load/record_validation.sql", quality.record_frames(result, run_id, suite, validated_at))
        if not result.success:
            context.log.warning(f"{binding.table} ({binding.suite}): {result.first_failure_line()}")
        return check_result(binding, result)

    return _check


quality_checks = [build_check(binding) for binding in QUALITY_REGISTRY]
