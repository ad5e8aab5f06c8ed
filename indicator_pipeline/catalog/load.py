"""Read and validate a plan file (TOML) into the typed catalogue."""

from __future__ import annotations

import re
import tomllib
from importlib import resources
from pathlib import Path

from indicator_pipeline.catalog.formula import Formula, parse_formula
from indicator_pipeline.catalog.model import (
    FORMULA_INPUTS,
    RECONCILE_KINDS,
    TARGET_KINDS,
    Direction,
    YearFromPeriods,
    YearFromRows,
    Goal,
    IndexComponent,
    IndexMethod,
    Indicator,
    Plan,
    SourceName,
    TargetRule,
)
from indicator_pipeline.errors import CatalogueError
from indicator_pipeline.peers import PeerSpec, parse_peer_table

DEFAULT_PLAN = "helsingborg_ks_2025.toml"
DIRECTIONS: tuple[str, ...] = Direction.__args__  # type: ignore[attr-defined]
SOURCES: tuple[str, ...] = SourceName.__args__  # type: ignore[attr-defined]
YEAR_FROM_PERIODS: tuple[str, ...] = YearFromPeriods.__args__  # type: ignore[attr-defined]
YEAR_FROM_ROWS: tuple[str, ...] = YearFromRows.__args__  # type: ignore[attr-defined]

# Fields each target kind needs; anything else is a plan-file error caught at load time.
REQUIRED_FIELDS = {
    "threshold_in_year": ("indicator", "value", "year"),
    "amount_in_year": ("indicator", "value", "year"),
    "threshold_every_year": ("indicator", "value"),
    "period_average": ("indicator", "value", "start_year", "end_year"),
    "share": ("indicator", "denominator_indicator", "value", "start_year", "end_year"),
    "none": (),
}


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


def load_plan(path: Path | str | None = None) -> Plan:
    """The plan file read and validated; any fault is one CatalogueError line naming the file and,
    where it can be told, the line (and for a TOML syntax error the column)."""
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
        line = _line_of(text, str(exc))
        if line is None:
            raise
        prefix = f"plan file {path}"
        rest = str(exc).removeprefix(prefix).lstrip(": ")
        raise CatalogueError(f"{prefix}, line {line}: {rest}") from exc


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
    for ident in reversed(named):
        found = re.search(rf'^\s*id\s*=\s*["\']{re.escape(ident)}["\']', text, re.MULTILINE)
        if found:
            return text.count("\n", 0, found.start()) + 1
    for table in re.findall(r"\[([\w.]+)\]", message):
        found = re.search(rf"^\s*\[{re.escape(table)}\]", text, re.MULTILINE)
        if found:
            return text.count("\n", 0, found.start()) + 1
    return None


def _require(table: dict, key: str, where: str):
    if key not in table:
        raise CatalogueError(f"{where}: missing field {key!r}")
    return table[key]


def _one_of(table: dict, key: str, allowed: tuple[str, ...], where: str, default: str | None = None) -> str:
    value = table.get(key, default) if default is not None else _require(table, key, where)
    if value not in allowed:
        raise CatalogueError(f"{where}: {key} {value!r} is not one of {', '.join(allowed)}")
    return value


def _indicator(raw: dict, where: str) -> Indicator:
    where = f"{where} indicator {raw.get('id', '?')!r}"
    return Indicator(
        id=_require(raw, "id", where),
        title=_require(raw, "title", where),
        unit=_require(raw, "unit", where),
        decimals=int(raw.get("decimals", 1)),
        direction=_one_of(raw, "direction", DIRECTIONS, where, default="higher"),
        source=_one_of(raw, "source", SOURCES, where),
        source_id=raw.get("source_id"),
        source_title=raw.get("source_title"),
        source_selection=_source_selection(raw.get("source_selection"), where),
        attribution=raw.get("attribution"),
        series_break_years=tuple(raw.get("series_break_years", ())),
        break_note=raw.get("break_note"),
        note=raw.get("note"),
        method=_index_method(raw.get("method"), where),
        formula=_formula(raw, where),
        **_filedrop_measure(raw, where),
        year_from_periods=_one_of(raw, "year_from_periods", YEAR_FROM_PERIODS, where, default="sum"),
        preliminary_periods=_count(raw, "preliminary_periods", where, default=0),
        publication_lag_days=_count(raw, "publication_lag_days", where) if "publication_lag_days" in raw else None,
        **_reconciliation(raw, where),
    )


def _formula(raw: dict, where: str) -> Formula | None:
    """A computed measure's formula; its source_id says what its names are (FORMULA_INPUTS)."""
    takes_formula = raw.get("source") == "computed" and raw.get("source_id") in FORMULA_INPUTS
    if "formula" not in raw:
        if takes_formula:
            raise CatalogueError(f"{where}: a computed indicator from {raw['source_id']!r} needs a formula")
        return None
    if not takes_formula:
        raise CatalogueError(
            f"{where}: formula is for source = \"computed\" with source_id one of {', '.join(FORMULA_INPUTS)}"
        )
    return parse_formula(raw["formula"], where)


def _filedrop_measure(raw: dict, where: str) -> dict:
    """A file-drop indicator's value column (a number column of its kind's format), its row selection
    (text columns of the format) and how the year's rows make its value (default: their sum)."""
    if raw.get("source") != "filedrop":
        stray = [key for key in ("value_column", "year_from_rows") if key in raw]
        if stray:
            raise CatalogueError(f"{where}: {', '.join(stray)} is for source = \"filedrop\"")
        return {}
    from indicator_pipeline.filedrop.formats import FORMATS

    kind = _one_of(raw, "source_id", tuple(FORMATS), where)
    fmt = FORMATS[kind]
    numbers = [c.name for c in fmt.columns if c.type in ("int", "decimal") and c.name not in fmt.key]
    texts = [c.name for c in fmt.columns if c.type == "text"]
    column = _one_of(raw, "value_column", tuple(numbers), where)
    for variable in raw.get("source_selection") or {}:
        if variable not in texts:
            raise CatalogueError(f"{where}: source_selection {variable!r} is not one of {kind}'s text columns ({', '.join(texts)})")
    return {"value_column": column, "year_from_rows": _one_of(raw, "year_from_rows", YEAR_FROM_ROWS, where, default="sum")}


RECONCILE_DETAILS = ("reconcile_kind", "reconcile_reason", "reconcile_expected_difference", "reconcile_tolerance")


def _reconciliation(raw: dict, where: str) -> dict:
    """An indicator's reconcile_* fields, checked together: an agreement needs a tolerance and expects a
    difference of 0; a by-design comparison needs its reason, and an expected difference comes with
    the tolerance it is judged within."""
    if "reconcile_with" not in raw:
        stray = [key for key in RECONCILE_DETAILS if key in raw]
        if stray:
            raise CatalogueError(f"{where}: {', '.join(stray)} without reconcile_with")
        return {}
    kind = _one_of(raw, "reconcile_kind", RECONCILE_KINDS, where, default="agree")
    tolerance = _number(raw, "reconcile_tolerance", where) if "reconcile_tolerance" in raw else None
    expected = _number(raw, "reconcile_expected_difference", where) if "reconcile_expected_difference" in raw else None
    reason = raw.get("reconcile_reason")
    if reason is not None and (not isinstance(reason, str) or not reason.strip()):
        raise CatalogueError(f"{where}: reconcile_reason must be a sentence, got {reason!r}")
    if tolerance is not None and tolerance < 0:
        raise CatalogueError(f"{where}: reconcile_tolerance {tolerance} must not be negative")
    if kind == "agree":
        if tolerance is None:
            raise CatalogueError(f"{where}: reconcile_kind \"agree\" needs reconcile_tolerance (how far the two may differ)")
        if expected is not None:
            raise CatalogueError(
                f"{where}: reconcile_expected_difference is for reconcile_kind \"by_design\"; an agreement expects a difference of 0"
            )
    else:
        if reason is None:
            raise CatalogueError(f"{where}: reconcile_kind \"by_design\" needs reconcile_reason (why the two differ)")
        if (expected is None) != (tolerance is None):
            raise CatalogueError(
                f"{where}: give reconcile_expected_difference and reconcile_tolerance together (the expected difference "
                "and how far from it the difference may go), or neither"
            )
    return {
        "reconcile_with": raw["reconcile_with"],
        "reconcile_tolerance": tolerance,
        "reconcile_kind": kind,
        "reconcile_reason": reason,
        "reconcile_expected_difference": expected,
    }


def _count(table: dict, key: str, where: str, default: int | None = None) -> int:
    """A whole number >= 0 (a TOML integer, not a float or a boolean)."""
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise CatalogueError(f"{where}: {key} must be a whole number >= 0, got {value!r}")
    return value


def _number(table: dict, key: str, where: str) -> float:
    value = _require(table, key, where)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise CatalogueError(f"{where}: {key} must be a number, got {value!r}")
    return float(value)


def _index_method(raw: dict | None, where: str) -> IndexMethod | None:
    if raw is None:
        return None
    where = f"{where} method"
    if raw.get("normalisation", "share_0_100") != "share_0_100":
        raise CatalogueError(f"{where}: normalisation {raw['normalisation']!r} is not supported; use \"share_0_100\"")
    components = []
    for item in _require(raw, "components", where):
        weight = _number(item, "weight", f"{where} component")
        if weight <= 0:
            raise CatalogueError(f"{where}: component {item.get('indicator')!r} has weight {weight}; weights must be positive")
        direction = _one_of(item, "direction", DIRECTIONS, f"{where} component {item.get('indicator')!r}", default="higher")
        components.append(IndexComponent(_require(item, "indicator", f"{where} component"), weight, direction))
    if not components:
        raise CatalogueError(f"{where}: an index needs at least one component")
    min_coverage = _number(raw, "min_coverage", where)
    if not 0 < min_coverage <= 1:
        raise CatalogueError(f"{where}: min_coverage {min_coverage} must be in (0, 1]")
    return IndexMethod(
        base_year=int(_number(raw, "base_year", where)),
        min_coverage=min_coverage,
        components=tuple(components),
    )


def _source_selection(raw, where: str) -> tuple[tuple[str, str], ...]:
    """An inline table of variable code -> value code (both non-empty strings), sorted by variable."""
    if raw is None:
        return ()
    if not isinstance(raw, dict) or not raw:
        raise CatalogueError(f"{where}: source_selection must be a non-empty table of variable = \"value code\"")
    for variable, code in raw.items():
        if not isinstance(code, str) or not code or not variable:
            raise CatalogueError(f"{where}: source_selection {variable!r} must name one value code as a string, got {code!r}")
        if any(ch in text for text in (variable, code) for ch in ";="):
            raise CatalogueError(f"{where}: source_selection {variable}={code!r} may not contain ';' or '='")
    return tuple(sorted(raw.items()))


def _target(raw: dict, where: str, direction_of) -> TargetRule:
    where = f"{where} target {raw.get('id', '?')!r}"
    kind = _require(raw, "kind", where)
    if kind not in TARGET_KINDS:
        raise CatalogueError(f"{where}: unknown kind {kind!r}; expected one of {', '.join(TARGET_KINDS)}")
    for key in REQUIRED_FIELDS[kind]:
        _require(raw, key, where)
    indicator_id = raw.get("indicator")
    return TargetRule(
        id=_require(raw, "id", where),
        kind=kind,
        indicator_id=indicator_id,
        value=_number(raw, "value", where) if "value" in raw else None,
        year=raw.get("year"),
        start_year=raw.get("start_year"),
        end_year=raw.get("end_year"),
        denominator_indicator_id=raw.get("denominator_indicator"),
        direction=_one_of(raw, "direction", DIRECTIONS, where, default=direction_of(indicator_id)),
        unit=raw.get("unit"),
        text=raw.get("text"),
    )


def parse_plan(raw: dict, source_path: str = "<memory>") -> Plan:
    where = f"plan file {source_path}"
    head = _require(raw, "plan", where)
    indicators = tuple(_indicator(item, where) for item in raw.get("indicators", ()))
    by_id = {i.id: i for i in indicators}
    if len(by_id) != len(indicators):
        raise CatalogueError(f"{where}: duplicate indicator ids")

    def direction_of(indicator_id: str | None) -> str:
        return by_id[indicator_id].direction if indicator_id in by_id else "higher"

    goals = []
    for item in raw.get("goals", ()):
        goal_where = f"{where} goal {item.get('id', '?')!r}"
        targets = tuple(_target(t, goal_where, direction_of) for t in item.get("targets", ()))
        if not targets:
            raise CatalogueError(f"{goal_where}: a goal needs at least one target (kind = \"none\" for qualitative goals)")
        goals.append(
            Goal(
                id=_require(item, "id", goal_where),
                title=_require(item, "title", goal_where),
                level=item.get("level", ""),
                area=item.get("area", ""),
                motivation=item.get("motivation"),
                measurable=bool(item.get("measurable", True)),
                targets=targets,
                context_indicator_ids=tuple(item.get("context_indicators", ())),
            )
        )
    head_where = f"{where} [plan]"
    plan = Plan(
        id=_require(head, "id", head_where),
        title=_require(head, "title", head_where),
        organisation=head.get("organisation", ""),
        municipality_code=str(_require(head, "municipality_code", head_where)),
        municipality_name=_require(head, "municipality_name", head_where),
        plan_year=int(_require(head, "plan_year", head_where)),
        first_year=int(head.get("first_year", 2015)),
        indicators=indicators,
        goals=tuple(goals),
        source_path=source_path,
        publication_lag_days=_publication_lags(raw.get("publication", {}), where),
        overdue_grace_days=_count(raw.get("publication", {}), "overdue_grace_days", f"{where} [publication]", default=30),
        filedrop_max_age_days=_filedrop_max_ages(raw.get("publication", {}), where),
        peers=parse_peer_table(raw["peers"], f"{where} [peers]") if "peers" in raw else PeerSpec(),
        filedrop_licence=head.get("filedrop_licence") or head.get("organisation", ""),
    )
    _check_references(plan, where)
    return plan


def _publication_lags(raw: dict, where: str) -> tuple[tuple[str, int], ...]:
    """`[publication.lag_days]`: source -> days after a year ends until its figure is normally out."""
    return _days_by_name(raw, "lag_days", SOURCES, where)


def _filedrop_max_ages(raw: dict, where: str) -> tuple[tuple[str, int], ...]:
    """`[publication.filedrop_max_age_days]`: file drop kind -> days its current file may age."""
    from indicator_pipeline.filedrop.formats import KINDS

    return _days_by_name(raw, "filedrop_max_age_days", KINDS, where)


def _days_by_name(raw: dict, table: str, names, where: str) -> tuple[tuple[str, int], ...]:
    """`[publication.<table>]`: name (one of `names`) -> a whole number of days, sorted by name."""
    where = f"{where} [publication.{table}]"
    days = raw.get(table, {})
    for name in days:
        if name not in names:
            raise CatalogueError(f"{where}: {name!r} is not one of {', '.join(names)}")
    return tuple(sorted((name, _count(days, name, where)) for name in days))


def _check_references(plan: Plan, where: str) -> None:
    known = {i.id for i in plan.indicators}
    seen_targets: set[str] = set()
    for goal, rule in plan.targets():
        if rule.id in seen_targets:
            raise CatalogueError(f"{where}: duplicate target id {rule.id!r}")
        seen_targets.add(rule.id)
        for ref in (rule.indicator_id, rule.denominator_indicator_id, *goal.context_indicator_ids):
            if ref is not None and ref not in known:
                raise CatalogueError(f"{where}: goal {goal.id!r} names unknown indicator {ref!r}")
    for indicator in plan.indicators:
        refs = [c.indicator_id for c in indicator.method.components] if indicator.method else []
        for ref in (*refs, indicator.reconcile_with):
            if ref is not None and ref not in known:
                raise CatalogueError(f"{where}: indicator {indicator.id!r} names unknown indicator {ref!r}")
        if indicator.formula:
            _check_formula_inputs(plan, indicator, where)


def _check_formula_inputs(plan: Plan, indicator: Indicator, where: str) -> None:
    """Every name of a formula is an input its source has: a line id of the statements' format, or a
    Kolada KPI the plan fetches (a Kolada indicator's source_id)."""
    if indicator.source_id == "kolada_amounts":
        known = {i.source_id for i in plan.indicators_from("kolada") if i.source_id}
        what = "a KPI the plan fetches (no Kolada indicator has it as source_id)"
    else:
        from indicator_pipeline.filedrop.formats import FORMATS

        known = set(FORMATS[indicator.source_id].column("line_id").allowed)
        what = f"a line_id of the {indicator.source_id} file drop ({', '.join(sorted(known))})"
    for name in indicator.formula.names:
        if name not in known:
            raise CatalogueError(
                f"{where}: indicator {indicator.id!r}: formula {indicator.formula.text!r} names {name!r}, which is not {what}"
            )
