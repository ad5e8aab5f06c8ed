"""The typed goal catalogue: a plan's goals, the indicators that measure them and the target rules.

A plan file (TOML) is pure data; another municipality's plan is another file, no code changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from indicator_pipeline.peers import PeerSpec
from indicator_pipeline.catalog.formula import Formula

TargetKind = Literal[
    "threshold_in_year",  # value in one year reaches a level (NKI >= 76 in 2025)
    "threshold_every_year",  # a standing level every year (soliditet >= 63 %)
    "period_average",  # the mean over a period reaches a level (>= 250 småhus a year 2022-2026)
    "amount_in_year",  # an absolute amount in one year (result >= 316 mnkr in 2025)
    "share",  # numerator / denominator over a period reaches a share (1/3 self-build plots)
    "none",  # no numeric target (qualitative goals)
]
TARGET_KINDS: tuple[str, ...] = TargetKind.__args__  # type: ignore[attr-defined]
Direction = Literal["higher", "lower"]
SourceName = Literal["kolada", "scb", "filedrop", "computed"]
# How a source's sub-year periods (quarters, months) make the year's value: the sum of a flow
# (dwellings started), the last value of a stock, or the mean of a level.
YearFromPeriods = Literal["sum", "last", "mean"]
# How the rows of a file drop that an indicator selects make its year's value (sellable land: the
# hectares of the year's areas summed).
YearFromRows = Literal["sum", "mean"]
ReconcileKind = Literal[
    "agree",  # the two series should be equal, within reconcile_tolerance
    "by_design",  # they differ on purpose (reconcile_reason), optionally by an expected difference
]
RECONCILE_KINDS: tuple[str, ...] = ReconcileKind.__args__  # type: ignore[attr-defined]
# What the names in a computed indicator's `formula` are, by its `source_id`: the statement lines
# (`line_id`) of the financial_statements file drop (mnkr, the plan's municipality), or Kolada KPI ids
# (the total, per municipality; each must be a KPI the plan fetches, i.e. a Kolada indicator's source_id).
FormulaInputs = Literal["financial_statements", "kolada_amounts"]
FORMULA_INPUTS: tuple[str, ...] = FormulaInputs.__args__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class IndexComponent:
    """One key figure in a computed index: its weight and whether higher values mean safer/better."""

    indicator_id: str
    weight: float
    direction: Direction


@dataclass(frozen=True)
class IndexMethod:
    """How a computed index is made from key figures (documented in README, "The safety index").

    Each component is a 0-100 figure (a share in percent or an index); a lower-is-better one is
    turned around (100 - value). A year's index is the weighted mean of the components that have a
    value that year, published only when they carry at least `min_coverage` of the total weight,
    from `base_year` on. A year with an incomplete set of components is flagged preliminary.
    """

    base_year: int
    min_coverage: float
    components: tuple[IndexComponent, ...]
    normalisation: str = "share_0_100"


@dataclass(frozen=True)
class Indicator:
    """One yearly series, from one source series (a Kolada KPI, an SCB table cell, a file-drop kind),
    or computed from other series (`source = "computed"`: a `formula`, or an index `method`)."""

    id: str
    title: str
    unit: str
    decimals: int
    direction: Direction
    source: SourceName
    source_id: str | None = None
    source_title: str | None = None  # the title the source must still carry (checked every run)
    # Which cells of a multi-dimensional source table (SCB) the series is: (variable code, value code)
    # pairs from the plan file, sorted by variable; for a file drop, its rows (text column = value). Region and time
    # are not part of it (region comes from the plan, time is the series' own axis).
    source_selection: tuple[tuple[str, str], ...] = ()
    attribution: str | None = None
    series_break_years: tuple[int, ...] = ()  # first year of a new definition
    break_note: str | None = None
    note: str | None = None
    method: IndexMethod | None = None  # computed indices only
    # Computed measures: arithmetic over the inputs `source_id` names (FORMULA_INPUTS), compiled to SQL
    # (sql/models/staging/formula_observation.sql).
    formula: Formula | None = None
    # File drops: the column of the kind's format that holds the value (source_selection picks the rows,
    # none: every row of the year) and how the year's rows make its value.
    value_column: str | None = None
    year_from_rows: YearFromRows | None = None
    # Compare this series with a published one (e.g. the city's own soliditet with Kolada's), year by
    # year in marts.reconciliation; a non-blocking check warns about a year that breaks the expectation.
    # `agree`: the two should be equal, |own - published| <= reconcile_tolerance. `by_design`: the
    # definitions differ on purpose, for reconcile_reason; with reconcile_expected_difference (own -
    # published) the difference should stay within reconcile_tolerance of it, without one nothing is
    # expected of the difference and it never warns.
    reconcile_with: str | None = None
    reconcile_tolerance: float | None = None
    # Sub-year sources (SCB quarters): how the periods make a year, and how many periods, counted back
    # from the latest published one, the source still revises (flagged preliminary).
    year_from_periods: YearFromPeriods = "sum"
    preliminary_periods: int = 0
    # Days after a year ends by which its figure is normally published; None: the plan's default for
    # the source. Kolada KPIs use Kolada's own publication_date when it has one.
    publication_lag_days: int | None = None
    reconcile_kind: ReconcileKind | None = None  # "agree" when reconcile_with is given without a kind
    reconcile_reason: str | None = None
    reconcile_expected_difference: float | None = None

    @property
    def selection_key(self) -> str | None:
        """The canonical `k=v;k=v` key (sorted by variable) that staged source cells are joined on."""
        return selection_key(dict(self.source_selection)) if self.source_selection else None


def selection_key(selection: dict[str, str]) -> str:
    """`ContentsCode=BO0101A4;Hustyp=SMÅHUS`: variables sorted by code, so the same cells always
    give the same key whatever order the plan file or the source lists them in."""
    return ";".join(f"{variable}={selection[variable]}" for variable in sorted(selection))


@dataclass(frozen=True)
class TargetRule:
    """What a goal asks of its indicator. Which fields apply depends on `kind`."""

    id: str
    kind: TargetKind
    indicator_id: str | None
    value: float | None = None
    year: int | None = None  # threshold_in_year, amount_in_year
    start_year: int | None = None  # period_average, share, threshold_every_year (optional)
    end_year: int | None = None
    denominator_indicator_id: str | None = None  # share
    direction: Direction = "higher"
    unit: str | None = None
    text: str | None = None  # the target in the plan's words


@dataclass(frozen=True)
class Goal:
    id: str
    title: str
    level: str  # e.g. "nämndens mål", "nämndens inriktning", "stadens inriktning"
    area: str
    motivation: str | None
    measurable: bool
    targets: tuple[TargetRule, ...]
    context_indicator_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Plan:
    id: str
    title: str
    organisation: str
    municipality_code: str
    municipality_name: str
    plan_year: int
    first_year: int  # first year of data to fetch
    indicators: tuple[Indicator, ...]
    goals: tuple[Goal, ...]
    source_path: str = field(default="", compare=False)
    # Publication rhythm: default days after a year ends until its figure is out, per source, and the
    # grace after that before a missing figure counts as overdue (docs/target-rules.md).
    publication_lag_days: tuple[tuple[str, int], ...] = ()
    overdue_grace_days: int = 30
    # How old each file drop kind's current file may get before a newer one is expected (days).
    filedrop_max_age_days: tuple[tuple[str, int], ...] = ()
    # The municipalities the plan's source figures are compared with (`[peers]`; indicator_pipeline.peers).
    peers: PeerSpec = PeerSpec()
    # Whose figures the file drops are, as archived with them ([plan] filedrop_licence; default: organisation).
    filedrop_licence: str = ""

    def indicator(self, indicator_id: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.id == indicator_id:
                return indicator
        raise KeyError(indicator_id)

    def lag_days(self, indicator: Indicator) -> int | None:
        """The indicator's publication lag: its own, else the plan's default for its source, else None."""
        if indicator.publication_lag_days is not None:
            return indicator.publication_lag_days
        return dict(self.publication_lag_days).get(indicator.source)

    def indicators_from(self, source: str) -> tuple[Indicator, ...]:
        return tuple(i for i in self.indicators if i.source == source)

    def sources_read(self) -> set[str]:
        """The sources the plan reads, named as freshness names them: `kolada`, `scb`, and
        `filedrop_<kind>` for each file drop its indicators or formulas read (Kolada also for a formula
        over Kolada KPIs)."""
        read = set()
        for i in self.indicators:
            if i.source in ("kolada", "scb"):
                read.add(i.source)
            elif i.source == "filedrop" or (i.formula and i.source_id != "kolada_amounts"):
                read.add(f"filedrop_{i.source_id}")
        return read

    def targets(self) -> tuple[tuple[Goal, TargetRule], ...]:
        return tuple((goal, rule) for goal in self.goals for rule in goal.targets)
