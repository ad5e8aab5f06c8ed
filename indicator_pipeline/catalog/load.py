"""Read and validate a plan file (TOML) into the typed catalogue."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

from indicator_pipeline.catalog.model import TARGET_KINDS, Goal, Indicator, Plan, TargetRule
from indicator_pipeline.errors import CatalogueError

DEFAULT_PLAN = "helsingborg_ks_2025.toml"

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


def load_plan(path: Path | str | None = None) -> Plan:
    path = Path(path) if path else bundled_plan_path()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CatalogueError(f"plan file {path}: cannot read: {exc}") from exc
    return parse_plan(raw, str(path))


def _require(table: dict, key: str, where: str):
    if key not in table:
        raise CatalogueError(f"{where}: missing field {key!r}")
    return table[key]


def _indicator(raw: dict, where: str) -> Indicator:
    where = f"{where} indicator {raw.get('id', '?')!r}"
    return Indicator(
        id=_require(raw, "id", where),
        title=_require(raw, "title", where),
        unit=_require(raw, "unit", where),
        decimals=int(raw.get("decimals", 1)),
        direction=raw.get("direction", "higher"),
        source=_require(raw, "source", where),
        source_id=raw.get("source_id"),
        source_title=raw.get("source_title"),
        attribution=raw.get("attribution"),
        series_break_years=tuple(raw.get("series_break_years", ())),
        break_note=raw.get("break_note"),
        note=raw.get("note"),
    )


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
        value=float(raw["value"]) if "value" in raw else None,
        year=raw.get("year"),
        start_year=raw.get("start_year"),
        end_year=raw.get("end_year"),
        denominator_indicator_id=raw.get("denominator_indicator"),
        direction=raw.get("direction") or direction_of(indicator_id),
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
    plan = Plan(
        id=_require(head, "id", where),
        title=_require(head, "title", where),
        organisation=head.get("organisation", ""),
        municipality_code=str(_require(head, "municipality_code", where)),
        municipality_name=_require(head, "municipality_name", where),
        plan_year=int(_require(head, "plan_year", where)),
        first_year=int(head.get("first_year", 2015)),
        indicators=indicators,
        goals=tuple(goals),
        source_path=source_path,
    )
    _check_references(plan, where)
    return plan


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
