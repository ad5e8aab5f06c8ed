"""GX Data Docs (static HTML) for the latest validation recorded in a warehouse (meta.validation_run), in
a throw-away file-mode GX project. Work files are searched too: a run that failed its checks was never
published, so its results are only in its work file.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from indicator_pipeline.errors import PipelineError
from indicator_pipeline.quality import EXPECTATIONS_DIR, gx_context, gx_suite, load_suite
from indicator_pipeline.warehouse.sql import sql_text


def latest_validation(candidates: list[Path]) -> tuple[Path, str]:
    """(warehouse file, run id) of the most recent validation among the candidate files."""
    found = []
    for path in candidates:
        if not path.exists():
            continue
        try:
            with duckdb.connect(str(path), read_only=True) as con:
                row = con.execute(sql_text("load/latest_validation_run.sql")).fetchone()
        except duckdb.Error:  # no meta tables yet, or a running refresh holds the file
            continue
        if row:
            found.append((row[1], path, row[0]))
    if not found:
        names = ", ".join(str(p) for p in candidates) or "(none)"
        raise PipelineError(f"no recorded validation in {names}; run `indicator-pipeline refresh` first")
    _, path, run_id = max(found, key=lambda f: f[0])
    return path, run_id


def build_data_docs(out: Path, warehouse: Path | None = None, serving_path: Path | None = None) -> Path:
    """Render the latest run's validations as GX Data Docs under `out`; returns the index.html path."""
    work_files = sorted((serving_path.parent / ".work").glob("*.duckdb")) if serving_path else []
    candidates = [warehouse] if warehouse else [serving_path, *work_files] if serving_path else []
    path, run_id = latest_validation(candidates)
    with duckdb.connect(str(path), read_only=True) as con:
        rows = con.execute(sql_text("load/validation_run.sql"), {"run_id": run_id}).fetchall()

    out.mkdir(parents=True, exist_ok=True)
    context = gx_context(mode="file", project_root_dir=str(out))
    from great_expectations.core import ExpectationSuiteValidationResult
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier, ValidationResultIdentifier,
    )

    for suite, gx_result, error, validated_at in rows:
        _add_suite(context, suite)
        if gx_result is None:  # the validator could not run: nothing for GX to render, say why
            gx_result = json.dumps(_not_run_result(suite, error))
        result = ExpectationSuiteValidationResult(**json.loads(gx_result))
        key = ValidationResultIdentifier(
            expectation_suite_identifier=ExpectationSuiteIdentifier(name=suite),
            run_id=RunIdentifier(run_name=run_id, run_time=validated_at),
            batch_identifier=suite,
        )
        context.validation_results_store.set(key, result)
    sites = context.build_data_docs()
    index = Path(str(sites.get("local_site", "")).removeprefix("file://"))
    if not index.exists():
        raise PipelineError(f"GX did not write Data Docs under {out}")
    return index


def _add_suite(context, suite: str) -> None:
    """Put the suite itself in the site too (its expectation page), if its file is still there."""
    try:
        context.suites.add_or_update(gx_suite(load_suite(EXPECTATIONS_DIR / f"{suite}.json")))
    except Exception:  # noqa: BLE001 - the validation page is what matters; a missing suite page is fine
        pass


def _not_run_result(suite: str, error: str | None) -> dict:
    counts = dict.fromkeys(("evaluated_expectations", "successful_expectations", "unsuccessful_expectations"), 0)
    meta = {"validator_error": error or "the validator could not run"}
    return {"success": False, "results": [], "suite_name": suite, "statistics": counts, "meta": meta}
