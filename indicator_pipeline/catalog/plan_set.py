"""The plans one run judges, and what they need together.

A run fetches every source once for the union of what its plans need and judges each plan from the
same facts (docs/plans.md). Facts are keyed by indicator id, so an id two plans share must mean the same
series in both: the same source, source id, cells, formula and unit. A plan is the set of itself
(`Plan.plans`), so the code that works out what to fetch takes either.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Mapping, Sequence

from indicator_pipeline.catalog.model import Indicator, Plan
from indicator_pipeline.errors import CatalogueError

# What makes an indicator's values: two plans sharing an indicator id must agree on these.
DEFINING_FIELDS = (
    "source", "source_id", "source_selection", "formula", "unit", "value_column", "year_from_rows",
    "year_from_periods", "preliminary_periods", "method", "series_break_years",
)


@dataclass(frozen=True)
class PlanSet:
    plans: tuple[Plan, ...]

    def __post_init__(self) -> None:
        if not self.plans:
            raise CatalogueError("no plan to refresh")
        seen: dict[str, Plan] = {}
        for plan in self.plans:
            if plan.id in seen:
                raise CatalogueError(f"plan id {plan.id!r} is in both {seen[plan.id].source_path} and {plan.source_path}")
            seen[plan.id] = plan
        self.indicators  # refuses an indicator id two plans define differently
        for plan in self.plans:  # parents lead up to a plan without one, never round in a circle
            chain, above = [plan.id], seen.get(plan.parent)
            while above is not None and above.id not in chain:
                chain, above = [*chain, above.id], seen.get(above.parent)
            if above is not None:
                raise CatalogueError(f"plan file {plan.source_path}: [plan] parent leads round in a circle: {' -> '.join([*chain, above.id])}")
        for plan in self.plans:  # a parent judged in the same run: each goal serves one of its goals
            parent = seen.get(plan.parent)
            if parent is None:
                continue
            goals = [goal.id for goal in parent.goals]
            for goal in plan.goals:
                if goal.serves is not None and goal.serves not in goals:
                    raise CatalogueError(
                        f"plan file {plan.source_path}: goal {goal.id!r} serves {goal.serves!r}, which is no goal of "
                        f"its parent plan {parent.id} ({parent.source_path}; its goals: {', '.join(goals)})"
                    )
        readers: dict[str, Plan] = {}
        for plan in self.plans:  # a landing folder holds one organisation's drops: its figures are its own
            for kind in sorted(s.removeprefix("filedrop_") for s in plan.sources_read() if s.startswith("filedrop_")):
                first = readers.setdefault(kind, plan)
                if first.municipality_code != plan.municipality_code:
                    raise CatalogueError(
                        f"file drop {kind!r} is read by plans {first.id} ({first.municipality_code}) and {plan.id} "
                        f"({plan.municipality_code}): a landing folder's drops are one municipality's figures; "
                        "refresh plans of other municipalities with file drops into their own warehouse"
                    )

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(plan.id for plan in self.plans)

    @cached_property
    def indicators(self) -> tuple[Indicator, ...]:
        """Every plan's indicators, each id once."""
        by_id: dict[str, tuple[Plan, Indicator]] = {}
        for plan in self.plans:
            for indicator in plan.indicators:
                first = by_id.setdefault(indicator.id, (plan, indicator))
                differ = [f for f in DEFINING_FIELDS if getattr(first[1], f) != getattr(indicator, f)]
                if differ:
                    raise CatalogueError(
                        f"indicator {indicator.id!r} differs in plans {first[0].id} and {plan.id} ({', '.join(differ)}): "
                        "plans judged in one warehouse share their indicators' values, so one id must be one series"
                    )
        return tuple(indicator for _, indicator in by_id.values())

    def indicators_from(self, source: str) -> tuple[Indicator, ...]:
        return tuple(i for i in self.indicators if i.source == source)

    @property
    def first_year(self) -> int:
        return min(plan.first_year for plan in self.plans)

    @property
    def own_municipalities(self) -> tuple[str, ...]:
        return tuple(sorted({plan.municipality_code for plan in self.plans}))

    @property
    def filedrop_licence(self) -> str:
        """Whose figures the file drops are: the licences of the plans that read file drops."""
        readers = [p for p in self.plans if any(s.startswith("filedrop_") for s in p.sources_read())]
        return "; ".join(dict.fromkeys(p.filedrop_licence for p in readers))

    def sources_read(self) -> set[str]:
        return set().union(*(plan.sources_read() for plan in self.plans))

    def reading(self, source: str) -> tuple[Plan, ...]:
        """The plans with an indicator from `source` (kolada, scb)."""
        return tuple(plan for plan in self.plans if plan.indicators_from(source))


Plans = Plan | PlanSet  # what a run needs, for one plan or several


def requests_by_municipality(plans: Sequence[Plan], requested: Mapping[str, Sequence[str]]) -> list[tuple[list[str], PlanSet]]:
    """How one source is asked for the municipalities each plan requests (plan id -> codes, its peer set):
    each plan's own municipality alone, for the plans that request it (so a plan's own figures never depend
    on another request, and its request is the one it makes alone), then every other municipality in one
    list, for the plans that request any of them. Each list sorted, with the plans whose needs it covers."""
    asking: dict[str, list[Plan]] = {}
    for plan in plans:
        for code in requested[plan.id]:
            asking.setdefault(code, []).append(plan)
    owns = sorted({plan.municipality_code for plan in plans})
    others = sorted(set(asking) - set(owns))
    groups = [[own] for own in owns if own in asking] + ([others] if others else [])
    return [(codes, PlanSet(tuple({p.id: p for code in codes for p in asking[code]}.values()))) for codes in groups]
