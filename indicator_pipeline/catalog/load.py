"""Read and validate a plan file (TOML) into the typed catalogue (catalog/model.py).

A fault is one CatalogueError line naming the file, the line where it can be told (the `id = ...` of
the indicator, goal or target at fault, else the `[table]`), and the rule broken, worded from the
location pydantic reports."""

from __future__ import annotations

import re
import tomllib
from importlib import resources
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from indicator_pipeline.catalog.model import Plan
from indicator_pipeline.catalog.plan_set import PlanSet
from indicator_pipeline.errors import CatalogueError

DEFAULT_PLAN = "helsingborg_ks_2025.toml"
PLAN = TypeAdapter(Plan)
# How an error's location names the list item it is in: the word, and the field that tells items apart.
ITEMS = {"indicators": ("indicator", "id"), "goals": ("goal", "id"), "targets": ("target", "id"), "components": ("component", "indicator")}
TABLES = ("plan", "publication", "peers")


def bundled_plan_path(name: str = DEFAULT_PLAN) -> Path:
    return Path(str(resources.files("indicator_pipeline.catalog") / "plans" / name))


def bundled_plan_names() -> list[str]:
    """The plans shipped with the package (file stems), e.g. for `--plan NAME`."""
    return sorted(path.stem for path in bundled_plan_path().parent.glob("*.toml"))


def resolve_plan_path(path: Path | str | None) -> Path:
    """A plan file: the path given, or, for a bare name that is no file here, the bundled plan of that
    name (`lund_ks_2026` or `lund_ks_2026.toml`); none: the default plan."""
    if not path:
        return bundled_plan_path()
    path = Path(path)
    if not path.exists() and path.parent == Path(".") and path.stem in bundled_plan_names():
        return bundled_plan_path(f"{path.stem}.toml")
    return path


def plan_paths(spec: str | Path | None) -> list[Path]:
    """The plan files `spec` names (`--plan`, INDICATOR_PLAN): comma-separated files, bundled plan names or
    folders (every `*.toml` in one); none: the default plan. A name that is neither is refused in one line."""
    paths: list[Path] = []
    for item in filter(None, (part.strip() for part in str(spec or "").split(","))):
        path = resolve_plan_path(item)
        if path.is_dir():
            paths += sorted(path.glob("*.toml"))
        elif path.exists():
            paths.append(path)
        else:
            raise CatalogueError(f"plan {item!r}: no such file or folder, nor a bundled plan ({', '.join(bundled_plan_names())})")
    return paths or [bundled_plan_path()]


def load_plans(spec: str | Path | None = None) -> PlanSet:
    """Every plan `spec` names, read and validated, as the set one run judges (PlanSet checks them together)."""
    plans = tuple(load_plan(path) for path in plan_paths(spec))
    try:
        return PlanSet(plans)
    except CatalogueError as exc:  # a fault of one plan among the others: the line in its file too
        at = next((plan for plan in plans if str(exc).startswith(f"plan file {plan.source_path}:")), None)
        raise located(at, exc) if at else exc from None


def located(plan: Plan, exc: CatalogueError) -> CatalogueError:
    """`exc` about `plan`, with the line of its file it names where one is found (a plan not read from
    a file, `<memory>`, has none)."""
    path = Path(plan.source_path)
    return _located(path, path.read_text(encoding="utf-8"), exc) if path.is_file() else exc


def named_plan(name: Path | str) -> tuple[str, Plan | None]:
    """`--plan NAME`: a plan file or bundled plan name (its id and plan), else a plan id of the warehouse."""
    if resolve_plan_path(name).is_file():
        plan = load_plan(name)
        return plan.id, plan
    return str(name), None


def load_plan(path: Path | str | None = None) -> Plan:
    """The plan file read and validated; a fault is one CatalogueError line (module docstring, _toml_error)."""
    path = resolve_plan_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogueError(f"plan file {path}: cannot read: {exc}") from exc
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(_toml_error(path, exc)) from exc
    try:
        return parse_plan(raw, str(path))
    except CatalogueError as exc:
        raise _located(path, text, exc) from None


def _located(path: Path, text: str, exc: CatalogueError) -> CatalogueError:
    """`exc` about the plan file `path` (whose `text` it is), with the line it names where one is found."""
    line = _line_of(text, str(exc))
    if line is None:
        return exc
    prefix = f"plan file {path}"
    return CatalogueError(f"{prefix}, line {line}: {str(exc).removeprefix(prefix).lstrip(': ')}")


def _toml_error(path: Path, exc: tomllib.TOMLDecodeError) -> str:
    """`plan file P, line L, column C: invalid TOML: reason` (lineno/colno where tomllib has them,
    Python >= 3.14; before that they are read from the message's "(at line L, column C)")."""
    message = str(getattr(exc, "msg", None) or exc)
    line, column = getattr(exc, "lineno", None), getattr(exc, "colno", None)
    found = re.search(r"\s*\(at line (\d+), column (\d+)\)", message)
    if found:
        message = message[: found.start()] + message[found.end():]
        line, column = line or int(found.group(1)), column or int(found.group(2))
    where = f", line {line}, column {column}" if line else ""
    return f"plan file {path}{where}: invalid TOML: {' '.join(message.split())}"


def _line_of(text: str, message: str) -> int | None:
    """The line of the plan table a semantic error names: the `id = "..."` of the innermost
    indicator, goal or target it names, else a `[table]` header it names; None if neither is found."""
    named = re.findall(r"(?:indicator|goal|target)(?: id)? '([^']+)'", message)
    patterns = [rf'^[ \t]*id[ \t]*=[ \t]*["\']{re.escape(ident)}["\']' for ident in reversed(named)]
    patterns += [rf"^[ \t]*\[{re.escape(table)}\]" for table in re.findall(r"\[([\w.]+)\]", message)]
    found = next(filter(None, (re.search(pattern, text, re.MULTILINE) for pattern in patterns)), None)
    return text.count("\n", 0, found.start()) + 1 if found else None


def parse_plan(raw: dict, source_path: str = "<memory>") -> Plan:
    where = f"plan file {source_path}"
    try:
        plan = PLAN.validate_python({**_with_defaults(raw), "source_path": source_path})
    except ValidationError as exc:
        raise CatalogueError(_describe(exc.errors()[0], raw, where)) from None
    _check_references(plan, where)
    return plan


def _with_defaults(raw: dict) -> dict:
    """What a plan file leaves to the rest of the plan: a target's direction is its indicator's, the file
    drops' licence the organisation's. A file too malformed for this is left as it is, for validation to word."""
    try:
        directions = {i["id"]: i.get("direction", "higher") for i in raw.get("indicators", ())}
        goals = [
            {**goal, "targets": [{"direction": directions.get(t.get("indicator"), "higher"), **t} for t in goal["targets"]]}
            if "targets" in goal else goal  # a direction goal's targets are made from its direction
            for goal in raw.get("goals", ())
        ]
        head = raw["plan"]
        return {**raw, "goals": goals, "plan": {**head, "filedrop_licence": head.get("filedrop_licence") or head.get("organisation", "")}}
    except (AttributeError, KeyError, TypeError):
        return raw


def _describe(error: dict, raw: dict, where: str) -> str:
    """`plan file P indicator 'x': source 'nowhere' is not one of kolada, ...`: the words of the error's
    location (the items by their ids, the tables by their headers), then the rule broken."""
    words, node, field = [where], raw, None
    loc = error["loc"]
    for depth, step in enumerate(loc):
        parent = loc[depth - 1] if depth else None
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            node = {}
        if isinstance(step, int) and parent in ITEMS:
            noun, key = ITEMS[parent]
            words.append(f"{noun} {node.get(key, '?')!r}" if isinstance(node, dict) else noun)
        elif isinstance(step, int):
            words[-1] += f"[{step}]"
            field = words[-1] if depth == len(loc) - 1 else None
        elif depth == 0 and step in TABLES:
            words.append(f"[{step}]")
        elif step not in ITEMS or depth == len(loc) - 1:  # a list of items is named by its items, unless it is at fault
            words.append(step)
            field = step if depth == len(loc) - 1 else None
    if field is not None:
        words.pop()
    kind, value = error["type"], error.get("input")
    if kind == "missing":
        problem = f"missing field {field!r}"
    elif kind in ("unexpected_keyword_argument", "extra_forbidden"):
        problem = f"unknown field {field!r}"
    elif kind == "literal_error":
        allowed = re.findall(r"'([^']*)'", error["ctx"]["expected"])
        problem = f"{field} {value!r} is not one of {', '.join(allowed)}"
    elif kind == "value_error":
        problem = " ".join(filter(None, [field, str(error["ctx"]["error"])]))
    else:
        problem = f"{field} {value!r}: {error['msg']}" if field else error["msg"]
    return f"{' '.join(words)}: {problem}"


def _check_references(plan: Plan, where: str) -> None:
    """What the parts cannot check alone: a goal serves a parent's goal only under a parent plan, ids are
    unique, every indicator named exists, and a formula over Kolada KPIs names only KPIs the plan fetches."""
    known = {i.id for i in plan.indicators}
    if len(known) != len(plan.indicators):
        raise CatalogueError(f"{where}: duplicate indicator ids")
    for goal in plan.goals:
        if goal.serves is not None and plan.parent is None:
            raise CatalogueError(f"{where}: goal {goal.id!r} serves {goal.serves!r} but the plan names no parent ([plan] parent)")
    seen_targets: set[str] = set()
    for goal, rule in plan.targets():
        if rule.id in seen_targets:
            raise CatalogueError(f"{where}: duplicate target id {rule.id!r}")
        seen_targets.add(rule.id)
        for ref in (rule.indicator_id, rule.denominator_indicator_id, *goal.context_indicator_ids):
            if ref is not None and ref not in known:
                raise CatalogueError(f"{where}: goal {goal.id!r} names unknown indicator {ref!r}")
    kpis = {i.source_id for i in plan.indicators_from("kolada") if i.source_id}
    for indicator in plan.indicators:
        refs = [c.indicator_id for c in indicator.method.components] if indicator.method else []
        for ref in (*refs, indicator.reconcile_with):
            if ref is not None and ref not in known:
                raise CatalogueError(f"{where}: indicator {indicator.id!r} names unknown indicator {ref!r}")
        if indicator.formula and indicator.source_id == "kolada_amounts":
            try:
                indicator.formula.check_names(kpis, "a KPI the plan fetches (no Kolada indicator has it as source_id)")
            except ValueError as exc:
                raise CatalogueError(f"{where}: indicator {indicator.id!r}: {exc}") from None
