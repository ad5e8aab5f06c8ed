"""The layers, read from the source with `ast`: every import of every module of indicator_pipeline/ and
assets/, at module level and inside functions (a lazy import is an import all the same).

The rules:
(a) No import cycle among the project's modules.
(b) Clients take plain values and hand back frames: a module of indicator_pipeline/sources/ or of the
    file-drop readers (indicator_pipeline/filedrop/) imports from indicator_pipeline only its own
    package, indicator_pipeline.errors and the domain contracts in indicator_pipeline.catalog that are
    plain data (CONTRACTS) - never the plan model, the steps, the warehouse or the settings.
(c) The plan model (indicator_pipeline/catalog/) imports nothing from sources/, filedrop/, steps/ or
    warehouse/.
(d) The library (indicator_pipeline/) never imports dagster or assets/, except indicator_pipeline/run.py,
    the runner that launches the job.
"""

from __future__ import annotations

import ast
from pathlib import Path


PROJECT = Path(__file__).resolve().parents[1]
PACKAGES = ("indicator_pipeline", "assets")
CONTRACTS = {"indicator_pipeline.catalog.filedrop_formats", "indicator_pipeline.catalog.peers"}
CLIENT_PACKAGES = ("indicator_pipeline.sources", "indicator_pipeline.filedrop")


def module_files() -> dict[str, Path]:
    """Module name -> file, for every .py file of the project's packages."""
    files = {}
    for package in PACKAGES:
        for path in sorted((PROJECT / package).rglob("*.py")):
            parts = path.relative_to(PROJECT).with_suffix("").parts
            files[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return files


def imported_names(name: str, path: Path) -> set[str]:
    """Every module name an import statement anywhere in the file names (`from a import b` names both
    `a` and `a.b`: b may be a module), relative imports resolved."""
    names = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            names |= {base} | {f"{base}.{alias.name}" for alias in node.names}
    return names


def project_imports() -> dict[str, set[str]]:
    """Module -> the project modules it imports (the most specific module an import names)."""
    files = module_files()
    graph = {}
    for name, path in files.items():
        named = imported_names(name, path)
        graph[name] = {target for target in named if target in files and not any(other.startswith(f"{target}.") for other in named & files.keys())}
        graph[name].discard(name)
    return graph


def external_imports(name: str) -> set[str]:
    return imported_names(name, module_files()[name])


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a path (first module repeated at the end), or None."""
    state: dict[str, str] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "open"
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == "open":
                return stack[stack.index(target):] + [target]
            if target not in state and (cycle := visit(target)):
                return cycle
        state[node] = "done"
        stack.pop()
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_every_import_is_read_lazy_and_relative_ones_too(tmp_path):
    source = tmp_path / "steps.py"
    source.write_text("import os\nfrom . import peers\n\n\ndef f():\n    from ..catalog.load import load_plan\n", encoding="utf-8")
    assert imported_names("indicator_pipeline.steps.steps", source) == {
        "os", "indicator_pipeline.steps", "indicator_pipeline.steps.peers", "indicator_pipeline.catalog.load",
        "indicator_pipeline.catalog.load.load_plan",
    }
    assert "indicator_pipeline.catalog.model" in project_imports()["indicator_pipeline.catalog.load"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "d": {"a"}}) is None


def test_no_import_cycle():
    cycle = find_cycle(project_imports())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_clients_import_only_errors_and_plain_contracts():
    graph = project_imports()
    broken = []
    for name, targets in graph.items():
        own = next((package for package in CLIENT_PACKAGES if name == package or name.startswith(f"{package}.")), None)
        if own is None:
            continue
        allowed = {"indicator_pipeline.errors", *CONTRACTS}
        broken += [f"{name} imports {t}" for t in sorted(targets) if t not in allowed and not t.startswith(f"{own}.") and t != own]
    assert not broken, "; ".join(broken)


def test_the_contracts_are_plain_data():
    for contract in CONTRACTS:
        assert project_imports()[contract] <= {"indicator_pipeline.errors"}, contract


def test_the_plan_model_imports_no_client_step_or_warehouse():
    forbidden = tuple(f"indicator_pipeline.{layer}" for layer in ("sources", "filedrop", "steps", "warehouse"))
    broken = [
        f"{name} imports {target}"
        for name, targets in project_imports().items()
        if name.startswith("indicator_pipeline.catalog")
        for target in sorted(targets)
        if target.startswith(forbidden)
    ]
    assert not broken, "; ".join(broken)


def test_the_library_never_imports_dagster_or_assets_except_the_runner():
    broken = [
        f"{name} imports {target}"
        for name in module_files()
        if name.startswith("indicator_pipeline") and name != "indicator_pipeline.run"
        for target in sorted(external_imports(name))
        if target.split(".")[0] in ("dagster", "assets") or target.startswith("dagster_")
    ]
    assert not broken, "; ".join(broken)
