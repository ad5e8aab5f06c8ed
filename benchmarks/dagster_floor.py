"""The Dagster floor: a job of the same shape as the refresh job, every step doing nothing.

    python benchmarks/dagster_floor.py --write-shape SHAPE.json   # read the real job's shape (untimed)
    python benchmarks/dagster_floor.py SHAPE.json                 # run the floor job (timed)

The shape is read from the real code location (the module and attribute workspace.yaml names) and
its refresh job: one entry per step, with the asset keys it materialises, each asset's upstream keys,
and its asset checks (name, asset, blocking, extra inputs). The floor rebuilds that graph from the
file with no-op steps, so it follows the real graph as it changes, and runs it as
`indicator_pipeline.run` runs the real job (in-process executor, ephemeral instance, console log at
CRITICAL), in a process that imports nothing but Dagster. What the real no-op night costs above this
is ours, not Dagster's.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

import dagster as dg

PROJECT = Path(__file__).resolve().parents[1]
FLOOR_JOB = "dagster_floor"
RUN_CONFIG = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}  # as indicator_pipeline/run.py


def real_job() -> dg.JobDefinition:
    """The refresh job of the code location workspace.yaml names (loads it: imports the project)."""
    import yaml

    from indicator_pipeline.run import FULL_REFRESH

    sys.path.insert(0, str(PROJECT))
    (location,) = yaml.safe_load((PROJECT / "workspace.yaml").read_text(encoding="utf-8"))["load_from"]
    module = location["python_module"]
    defs = getattr(importlib.import_module(module["module_name"]), module["attribute"])
    return defs.resolve_job_def(FULL_REFRESH)


def shape_of(job: dg.JobDefinition) -> list[dict]:
    """One entry per step of `job`: its name, assets (key, upstream keys) and asset checks."""
    steps = []
    for index, node in enumerate(job.asset_layer.asset_graph.assets_defs):
        steps.append({
            # A subsettable step that Dagster splits (the views of sql_models, around the Python steps
            # between them) appears once per part, each with the keys of its part: one no-op step each.
            "name": f"{node.node_def.name}_{index}",
            "executable": node.is_executable,
            "assets": [
                {"key": list(spec.key.path), "deps": [list(dep.asset_key.path) for dep in spec.deps]}
                for spec in node.specs if spec.key in node.keys
            ],
            "checks": [
                {"name": check.name, "asset": list(check.asset_key.path), "blocking": check.blocking,
                 "deps": [list(dep.asset_key.path) for dep in check.additional_deps]}
                for check in node.check_specs
            ],
        })
    return sorted(steps, key=lambda step: step["name"])


def _no_op_step(step: dict):
    """A step that materialises its assets and passes its checks, doing nothing else."""
    specs = [dg.AssetSpec(dg.AssetKey(a["key"]), deps=[dg.AssetKey(d) for d in a["deps"]]) for a in step["assets"]]
    checks = [
        dg.AssetCheckSpec(c["name"], asset=dg.AssetKey(c["asset"]), blocking=c["blocking"],
                          additional_deps=[dg.AssetKey(d) for d in c["deps"]])
        for c in step["checks"]
    ]
    if not step["executable"]:
        return specs

    def results(context):
        for spec in specs:
            yield dg.MaterializeResult(asset_key=spec.key)
        for check in checks:
            yield dg.AssetCheckResult(asset_key=check.asset_key, check_name=check.name, passed=True)

    if specs:
        return [dg.multi_asset(name=step["name"], specs=specs, check_specs=checks or None)(results)]
    return [dg.multi_asset_check(name=step["name"], specs=checks)(results)]


def floor_job(shape: list[dict]) -> dg.JobDefinition:
    """The job of `shape`'s steps, each doing nothing, with the real job's executor."""
    nodes = [node for step in shape for node in _no_op_step(step)]
    defs = dg.Definitions(
        assets=[n for n in nodes if not isinstance(n, dg.AssetChecksDefinition)],
        asset_checks=[n for n in nodes if isinstance(n, dg.AssetChecksDefinition)],
        jobs=[dg.define_asset_job(FLOOR_JOB, selection=dg.AssetSelection.all())],
        executor=dg.in_process_executor,
    )
    return defs.resolve_job_def(FLOOR_JOB)


def run(job: dg.JobDefinition) -> dg.ExecuteInProcessResult:
    with dg.DagsterInstance.ephemeral() as instance:
        return job.execute_in_process(instance=instance, raise_on_error=False, run_config=RUN_CONFIG)


def counts(job: dg.JobDefinition) -> tuple[int, int, int]:
    """(assets, asset checks, steps) the job runs."""
    graph = job.asset_layer.asset_graph
    return len(graph.executable_asset_keys), len(graph.asset_check_keys), len(job.graph.node_defs)


def main(argv: list[str]) -> int:
    if argv[:1] == ["--write-shape"]:
        Path(argv[1]).write_text(json.dumps(shape_of(real_job()), indent=1) + "\n", encoding="utf-8")
        return 0
    job = floor_job(json.loads(Path(argv[0]).read_text(encoding="utf-8")))
    result = run(job)
    assets, checks, steps = counts(job)
    print(f"{'ran' if result.success else 'FAILED:'} {assets} no-op assets and {checks} checks in {steps} steps")
    return 0 if result.success else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
