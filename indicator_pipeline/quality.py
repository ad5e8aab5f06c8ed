"""Great Expectations (GX 1.x) as the quality gate: load a suite, validate a frame, summarise the result.

No Dagster here: `assets/checks.py` turns the results into blocking asset checks, the CLI builds Data
Docs from them. Suites are GX JSON files in `expectations/`, one per dataset. Values known only at run
time are suite parameters, `{"$PARAMETER": "name"}`, filled by `run_parameters()` from the plan and the
run's fetch date, never from today; docs/quality-gate.md lists them, and the row conditions (GX condition
objects: the pandas query strings GX 1.9 deprecated are refused when a suite is loaded).

A validator that cannot run (GX missing, suite unreadable, unknown expectation, a crash) returns a
FAILED result with the reason. It never passes.
"""

from __future__ import annotations

import functools
import json
import math
import os
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Sequence

import polars as pl

from indicator_pipeline.catalog.peers import scb_region

EXPECTATIONS_DIR = Path(__file__).resolve().parents[1] / "expectations"
SAMPLE_SIZE = 5
API_SOURCES = ("kolada", "scb")  # sources whose indicators must be present once their data is loaded
VALIDATOR = "validator"  # expectation_type of the row recording a validator that could not run
KWARGS_NOT_SHOWN = ("column", "batch_id", "result_format")  # in the markdown: the column has its own cell
NOTHING_EVALUATED = {"evaluated_expectations": 0, "successful_expectations": 0, "unsuccessful_expectations": 0,
                     "success_percent": None}


@dataclass(frozen=True)
class ExpectationOutcome:
    expectation_type: str
    column: str | None
    kwargs: dict
    success: bool
    unexpected_count: int | None = None
    unexpected_sample: tuple = ()
    observed_value: Any = None
    error: str | None = None

    def label(self) -> str:
        return self.expectation_type + (f" on {self.column}" if self.column else "")

    def line(self) -> str:
        """One line: expectation, column, how many bad values and which."""
        parts = [self.label()]
        if self.error:
            parts.append(f"error: {_short(self.error, 200)}")
        if self.unexpected_count:
            parts.append(f"{self.unexpected_count} unexpected")
        if self.unexpected_sample:
            parts.append("e.g. " + _short(", ".join(_fmt(v) for v in self.unexpected_sample), 200))
        elif self.observed_value is not None and not self.error:
            parts.append(f"observed {_short(_fmt(self.observed_value), 120)}")
        return "; ".join(parts)


@dataclass(frozen=True)
class ValidationOutcome:
    suite: str
    dataset: str
    success: bool
    statistics: dict
    expectations: tuple[ExpectationOutcome, ...] = ()
    error: str | None = None  # set when the validator itself could not run
    gx_result: dict | None = None  # GX's own JSON of the run (for Data Docs)

    @property
    def failures(self) -> tuple[ExpectationOutcome, ...]:
        return tuple(e for e in self.expectations if not e.success)

    def first_failure_line(self) -> str:
        if self.error:
            return f"validator could not run: {self.error}"
        failures = self.failures
        if not failures:
            return "passed"
        others = list(dict.fromkeys(f.label() for f in failures[1:]))
        more = f" (+{len(failures) - 1} more failed: {', '.join(others)})" if others else ""
        return failures[0].line() + more


# ------------------------------------------------------------------------------------------------
# Suites and parameters
# ------------------------------------------------------------------------------------------------


def suite_path(suite: str | Path) -> Path:
    """`staging_kolada_values` or `staging_kolada_values.json` -> expectations/<that>.json; paths as given."""
    path = Path(suite).with_suffix(".json")
    return path if path.is_absolute() or path.parent != Path(".") else EXPECTATIONS_DIR / path


def load_suite(suite: str | Path) -> dict:
    """The suite's JSON as a dict (raises OSError/ValueError if unreadable or malformed)."""
    path = suite_path(suite)
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("expectations"), list) or not data.get("name"):
        raise ValueError(f"{path}: not a GX suite (needs 'name' and a list 'expectations')")
    if not data["expectations"]:
        raise ValueError(f"{path}: the suite has no expectations")
    for number, expectation in enumerate(data["expectations"], start=1):
        kwargs = expectation.get("kwargs") if isinstance(expectation, dict) else None
        if isinstance(kwargs, dict) and ("condition_parser" in kwargs or isinstance(kwargs.get("row_condition"), str)):
            raise ValueError(
                f"{path}: expectation {number} ({expectation.get('type')}) has a string row_condition or a condition_parser,"
                " deprecated since GX 1.9: write the row condition as a condition object (see docs/quality-gate.md)"
            )
    return data


def run_parameters(
    plan,
    as_of: date,
    kolada_requested: int | None = None,
    peer_set: Sequence[tuple[str, str]] = (),
    known_municipalities: Sequence[str] = (),
    kept_indicator_ids: Sequence[str] = (),
) -> dict:
    """Suite parameters (docs/quality-gate.md) from the plan, the run's fetch date, its peer set ((code,
    role) pairs, core.peer_set), Kolada's municipality list and, where known, how many KPI x municipality
    x year cells the Kolada requests asked for. `kept_indicator_ids`: the indicators of plans the warehouse
    keeps from earlier runs, whose values stay in the fact table."""
    kolada_ids = sorted({i.source_id for i in plan.indicators_from("kolada") if i.source_id})
    requested = sorted({code for code, _ in peer_set} | set(plan.own_municipalities))
    compared = sorted({code for code, role in peer_set if role != "reference"} | set(plan.own_municipalities))
    known = sorted(set(known_municipalities) | set(requested))
    years = max(as_of.year - plan.first_year + 1, 1)
    scb_series = len(plan.indicators_from("scb"))
    required_ids = sorted(i.id for i in plan.indicators if i.source in API_SOURCES and i.source_id)
    indicator_ids = sorted({i.id for i in plan.indicators} | set(kept_indicator_ids))
    if kolada_requested is None:
        kolada_requested = len(kolada_ids) * len(requested) * years
    return {
        "kolada_max_rows": 3 * kolada_requested,
        "scb_series_count": scb_series,
        "scb_max_rows": scb_series * len(requested) * years * 12,
        "fact_min_rows": len(required_ids),  # the plan's own municipality; a peer may lack a KPI altogether
        "fact_max_rows": len(indicator_ids) * len(known) * years,
        "municipality_codes": requested,
        "compared_municipality_codes": compared,
        "scb_region_codes": [scb_region(code) for code in requested],
        "known_municipality_codes": known,
        "kolada_kpi_ids": kolada_ids,
        "kolada_kpi_count": len(kolada_ids),
        "scb_table_ids": sorted({i.source_id for i in plan.indicators_from("scb") if i.source_id}),
        "plan_indicator_ids": indicator_ids,
        "required_indicator_ids": required_ids,
        "as_of_year": as_of.year,
    }


def suite_parameters(suite: dict, parameters: dict) -> dict:
    """Add the suite's own derived parameters (freshness) to the run's parameters."""
    params = dict(parameters)
    freshness = (suite.get("meta") or {}).get("freshness")
    if freshness and "max_age_years" in freshness:
        if "as_of_year" not in params:
            raise ValueError("freshness needs the run parameter as_of_year (from the run's as-of date)")
        params["min_latest_year"] = int(params["as_of_year"]) - int(freshness["max_age_years"])
    return params


def catalogue_units(plan, source: str) -> dict[str, str]:
    """source id -> catalogue unit, for the indicators of one source."""
    return {i.source_id: i.unit for i in plan.indicators_from(source) if i.source_id}


def indicator_measures(plan) -> dict[str, str]:
    """indicator id -> what it measures, named as the source names it, never as the plan does: the
    Kolada KPI id, the SCB table, the file-drop kind; a computed measure reconciled with a published
    series measures what that series does (the plan's own soliditet is held to soliditet's range), else
    it is its computing source id. Range expectations on the fact table are keyed on it where the unit
    alone does not say the range, so they hold for every plan and municipality alike."""
    by_id = {i.id: i for i in plan.indicators}

    def measure(indicator, seen=()) -> str | None:
        published = by_id.get(indicator.reconcile_with) if indicator.source == "computed" else None
        if published is not None and published.id not in seen:
            return measure(published, (*seen, indicator.id))
        return indicator.source_id

    return {i.id: measure(i) for i in plan.indicators if i.source_id}


# ------------------------------------------------------------------------------------------------
# Validation
# ------------------------------------------------------------------------------------------------


def logical_frame(frame):
    """A pandas frame with logical dtypes GX understands: strings as Python str (object), timestamps in
    naive UTC. pandas 3 `str` columns and tz-aware datetimes otherwise defeat GX's type expectations."""
    import pandas as pd

    if not isinstance(frame, pd.DataFrame) and hasattr(frame, "to_pandas"):  # polars: GX only takes pandas
        frame = frame.to_pandas()
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame, got {type(frame).__name__}")
    frame = frame.copy()
    for name in frame.columns:
        column = frame[name]
        if isinstance(column.dtype, pd.StringDtype) or column.dtype == object:
            frame[name] = column.astype(object).where(column.notna(), None)
        elif isinstance(column.dtype, pd.DatetimeTZDtype):
            frame[name] = column.dt.tz_convert("UTC").dt.tz_localize(None)
    return frame


def validate_frame(frame, suite: str | Path, parameters: dict | None = None, dataset: str = "") -> ValidationOutcome:
    """Validate a pandas frame against a suite in expectations/. Never raises; never passes by accident."""
    name = suite_path(suite).stem
    dataset = dataset or name
    try:
        suite_json = load_suite(suite)
    except (OSError, ValueError) as exc:
        return cannot_run(name, dataset, f"suite {suite_path(suite)} unreadable: {exc}")
    try:
        params = suite_parameters(suite_json, parameters or {})
        pdf = logical_frame(frame)
    except Exception as exc:  # noqa: BLE001 - a validator that cannot run must fail, whatever the reason
        return cannot_run(suite_json["name"], dataset, f"{type(exc).__name__}: {exc}")
    try:
        gx = _import_gx()
    except Exception as exc:  # noqa: BLE001
        return cannot_run(suite_json["name"], dataset, f"Great Expectations unavailable: {type(exc).__name__}: {exc}")
    try:
        result = _run_gx(gx, pdf, suite_json, params)
    except Exception as exc:  # noqa: BLE001
        return cannot_run(suite_json["name"], dataset, f"{type(exc).__name__}: {_short(str(exc), 300)}")
    return _outcome(suite_json, dataset, result)


@functools.cache
def _import_gx():
    """Import GX once per process (about 3 s of CPU), with analytics off."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx

    return gx


def gx_context(**kwargs):
    """A GX context (`gx.get_context(**kwargs)`) without progress bars."""
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = _import_gx().get_context(**kwargs)
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


def gx_suite(suite_json: dict):
    return _import_gx().ExpectationSuite(
        name=suite_json["name"], expectations=suite_json["expectations"], meta=suite_json.get("meta") or {}
    )


def _run_gx(gx, pdf, suite_json: dict, params: dict):
    from great_expectations.expectations.registry import get_expectation_impl

    for expectation in suite_json["expectations"]:  # GX logs and *drops* an unknown type; we refuse
        try:
            get_expectation_impl(expectation.get("type"))
        except Exception as exc:  # noqa: BLE001
            raise ValueError(f"unknown expectation type {expectation.get('type')!r} in suite {suite_json['name']}") from exc
    # a new context per validation: measured, it costs 1-3 ms of the 0.3-0.5 s of CPU a validation takes
    context = gx_context(mode="ephemeral")
    suite = gx_suite(suite_json)
    if len(suite.expectations) != len(suite_json["expectations"]):
        raise ValueError(f"GX built {len(suite.expectations)} of {len(suite_json['expectations'])} expectations")
    suite = context.suites.add(suite)
    position = {e.id: i for i, e in enumerate(suite.expectations)}
    key = uuid.uuid4().hex[:8]
    batch = (
        context.data_sources.add_pandas(f"frames_{key}")
        .add_dataframe_asset(f"{suite_json['name']}_{key}")
        .add_batch_definition_whole_dataframe("whole_frame")
    )
    definition = gx.ValidationDefinition(name=f"{suite_json['name']}_{key}", data=batch, suite=suite)
    result = definition.run(batch_parameters={"dataframe": pdf}, expectation_parameters=params, result_format="SUMMARY")
    evaluated = result.statistics.get("evaluated_expectations")
    if evaluated != len(suite_json["expectations"]):
        raise ValueError(f"GX evaluated {evaluated} of {len(suite_json['expectations'])} expectations")
    return result, position


def _outcome(suite_json: dict, dataset: str, run) -> ValidationOutcome:
    result, position = run
    gx_json = result.to_json_dict()
    ranked = sorted(gx_json["results"], key=lambda r: position.get((r.get("expectation_config") or {}).get("id"), len(position)))
    outcomes = [_expectation_outcome(r) for r in ranked]
    success = bool(result.success) and all(o.success for o in outcomes) and bool(outcomes)
    return ValidationOutcome(
        suite=suite_json["name"],
        dataset=dataset,
        success=success,
        statistics=_jsonable(gx_json["statistics"]),
        expectations=tuple(outcomes),
        gx_result=_jsonable(gx_json),
    )


def _expectation_outcome(r: dict) -> ExpectationOutcome:
    config = r.get("expectation_config") or {}
    kwargs = {k: v for k, v in (config.get("kwargs") or {}).items() if k != "batch_id"}
    res = r.get("result") or {}
    error = _exception_message(r.get("exception_info"))
    sample: list = []
    count = res.get("unexpected_count")
    if res.get("partial_unexpected_counts"):  # distinct offending values, most frequent first
        sample = [c.get("value") for c in res["partial_unexpected_counts"]]
    elif res.get("partial_unexpected_list"):
        sample = list(res["partial_unexpected_list"])
    elif res.get("partial_missing_list"):  # expect_column_distinct_values_to_contain_set
        sample = ["missing " + _fmt(v) for v in res["partial_missing_list"]]
        count = res.get("missing_count", len(res["partial_missing_list"]))
    elif (res.get("details") or {}).get("mismatched"):
        mismatched = res["details"]["mismatched"]
        if isinstance(mismatched, dict):
            sample = [f"missing {m}" for m in mismatched.get("missing", [])]
            if kwargs.get("exact_match"):
                sample += [f"unexpected {m}" for m in mismatched.get("unexpected", [])]
    return ExpectationOutcome(
        expectation_type=config.get("type", "?"),
        column=kwargs.get("column") or (",".join(kwargs["column_list"]) if kwargs.get("column_list") else None),
        kwargs=_jsonable(kwargs),
        success=bool(r.get("success")) and not error,
        unexpected_count=int(count) if count is not None else None,
        unexpected_sample=tuple(_jsonable(sample[:SAMPLE_SIZE])),
        observed_value=_jsonable(res.get("observed_value")),
        error=error,
    )


def _exception_message(info) -> str | None:
    """GX puts an expectation's exception either flat or keyed by metric id; find any message."""
    if not isinstance(info, dict):
        return None
    if info.get("raised_exception") or (info.get("exception_message") and "raised_exception" not in info):
        return str(info.get("exception_message") or "exception raised")
    for value in info.values():
        if isinstance(value, dict):
            message = _exception_message(value) or value.get("exception_message")
            if message:
                return str(message)
    return None


def cannot_run(suite: str, dataset: str, reason: str) -> ValidationOutcome:
    """A FAILED result for a validator that could not run (the reason is kept)."""
    failure = ExpectationOutcome(expectation_type=VALIDATOR, column=None, kwargs={}, success=False, error=reason)
    return ValidationOutcome(suite, dataset, False, dict(NOTHING_EVALUATED), expectations=(failure,), error=reason)


def not_read(suite: str, dataset: str, source: str) -> ValidationOutcome:
    """A passed result with nothing evaluated: the plan reads nothing from the table's source."""
    statistics = {**NOTHING_EVALUATED, "skipped": f"the plan reads nothing from {source}"}
    return ValidationOutcome(suite=suite, dataset=dataset, success=True, statistics=statistics)


# ------------------------------------------------------------------------------------------------
# Presentation and storage
# ------------------------------------------------------------------------------------------------


def render_markdown(result: ValidationOutcome) -> str:
    """Markdown for the Dagster UI: verdict, then failed expectations first, then the ones that passed."""
    stats = result.statistics
    verdict = "PASSED" if result.success else "FAILED"
    lines = [f"**{verdict}** `{result.suite}` on `{result.dataset}`"]
    if result.error:
        lines += ["", f"The validator could not run, so the check fails: {_cell(result.error, 500)}"]
        return "\n".join(lines)
    lines[0] += f": {stats.get('successful_expectations')}/{stats.get('evaluated_expectations')} expectations met"
    lines += ["", "| | expectation | column | unexpected | sample / observed | kwargs |", "|---|---|---|---|---|---|"]
    for o in result.failures + tuple(e for e in result.expectations if e.success):
        shown = o.error or (", ".join(_fmt(v) for v in o.unexpected_sample) if o.unexpected_sample else _fmt(o.observed_value))
        lines.append(
            "| " + " | ".join([
                "FAIL" if not o.success else "ok",
                f"`{o.expectation_type}`",
                _cell(o.column or ""),
                "" if o.unexpected_count is None else str(o.unexpected_count),
                _cell(shown, 160),
                _cell(_short(_json({k: v for k, v in o.kwargs.items() if k not in KWARGS_NOT_SHOWN}), 160), 160),
            ]) + " |"
        )
    return "\n".join(lines)


def record_frames(result: ValidationOutcome, run_id: str, suite: str, validated_at: datetime) -> dict[str, pl.DataFrame]:
    """What load/record_validation.sql stores: `results`, one row per expectation (meta.validation_result),
    and `report`, one row for the validation with its statistics and GX's full result JSON (meta.validation_run)."""
    key = {"run_id": run_id, "suite": suite, "dataset": result.dataset}
    key_schema = {"run_id": pl.String, "suite": pl.String, "dataset": pl.String, "validated_at": pl.Datetime("us", "UTC")}
    rows = [
        {
            **key,
            "expectation_type": o.expectation_type,
            "column_name": o.column,
            "kwargs": json.dumps(o.kwargs, default=str, ensure_ascii=False, sort_keys=True),
            "success": o.success,
            "unexpected_count": o.unexpected_count,
            "unexpected_sample": _json(list(o.unexpected_sample)) if o.unexpected_sample else None,
            "observed_value": None if o.observed_value is None else _short(_json(o.observed_value), 2000),
            "error": o.error,
            "validated_at": validated_at,
        }
        for o in result.expectations
    ]
    report = {
        **key,
        "success": result.success,
        "statistics": json.dumps(result.statistics, default=str),
        "error": result.error,
        "gx_result": _json(result.gx_result) if result.gx_result else None,
        "validated_at": validated_at,
    }
    results_schema = {
        "expectation_type": pl.String, "column_name": pl.String, "kwargs": pl.String, "success": pl.Boolean,
        "unexpected_count": pl.Int64, "unexpected_sample": pl.String, "observed_value": pl.String, "error": pl.String,
    }
    report_schema = {"success": pl.Boolean, "statistics": pl.String, "error": pl.String, "gx_result": pl.String}
    return {
        "results": pl.DataFrame(rows, schema={**key_schema, **results_schema}),
        "report": pl.DataFrame([report], schema={**key_schema, **report_schema}),
    }


def _jsonable(value):
    """A copy of GX's JSON (its `to_json_dict` converts numpy, timestamps and sets) with NaN and infinity as null."""
    return json.loads(json.dumps(value, default=str), parse_constant=lambda c: None)


def _json(value) -> str:
    return json.dumps(value, default=str, ensure_ascii=False)


def _fmt(value) -> str:
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    if isinstance(value, dict):
        return "(" + ", ".join(f"{k}={_fmt(v)}" for k, v in value.items()) + ")"
    return str(value)


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _cell(text: str, limit: int = 80) -> str:
    return _short(str(text).replace("|", "\\|").replace("\n", " "), limit)
