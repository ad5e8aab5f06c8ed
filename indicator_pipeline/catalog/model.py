"""The typed goal catalogue: a plan's goals, the indicators that measure them and the target rules.

A plan file (TOML) is pure data; another municipality's plan is another file, no code changes. The
classes are pydantic dataclasses: the plan file is validated into them (catalog/load.py turns a
failed validation into one error naming the file, line and rule), and `dataclasses.replace` still
makes a checked variant of a plan. A field's TOML name is its `validation_alias` where the two differ
(a target's `indicator` is its `indicator_id`). What needs the whole plan (references between
indicators and goals) is checked in catalog/load.py, after the parts are valid.
"""

from __future__ import annotations

import dataclasses
import functools
from typing import Annotated, Literal

from pydantic import AfterValidator, AliasPath, BeforeValidator, ConfigDict, Field, model_validator
from pydantic.dataclasses import dataclass

from indicator_pipeline.catalog.filedrop_formats import FORMATS, KINDS
from indicator_pipeline.catalog.formula import Formula, read_formula
from indicator_pipeline.catalog.peers import PeerSpec, parse_peer_table

TargetKind = Literal[
    "threshold_in_year",  # value in one year reaches a level (NKI >= 76 in 2025)
    "threshold_every_year",  # a standing level every year (soliditet >= 63 %)
    "period_average",  # the mean over a period reaches a level (>= 250 småhus a year 2022-2026)
    "amount_in_year",  # an absolute amount in one year (result >= 316 mnkr in 2025)
    "share",  # numerator / denominator over a period reaches a share (1/3 self-build plots)
    "none",  # no numeric target (qualitative goals)
    "direction",  # no number, a wanted direction: improving / stable / worsening (a goal's `direction`)
]
TARGET_KINDS: tuple[str, ...] = TargetKind.__args__  # type: ignore[attr-defined]
Direction = Literal["higher", "lower"]
# How a target not decided yet is judged, and a direction (docs/target-rules.md, "Progress from the trend").
Method = Literal["linear_projection", "cagr_ratio", "latest_value"]
METHODS: tuple[str, ...] = Method.__args__  # type: ignore[attr-defined]
DEFAULT_METHOD: Method = "linear_projection"
SourceName = Literal["kolada", "scb", "filedrop", "computed"]
SOURCES: tuple[str, ...] = SourceName.__args__  # type: ignore[attr-defined]
# What the names in a computed indicator's `formula` are, by its `source_id`: the statement lines
# (`line_id`) of the financial_statements file drop (mnkr, the plan's municipality), or Kolada KPI ids
# (the total, per municipality; each must be a KPI the plan fetches, i.e. a Kolada indicator's source_id).
FORMULA_INPUTS = ("financial_statements", "kolada_amounts")

# Unknown fields are refused (a misspelt field would otherwise silently take its default); fields are
# read by their TOML name (alias) from a plan file and by their own name from code.
CONFIG = ConfigDict(extra="forbid", validate_by_alias=True, validate_by_name=True)
model = dataclass(frozen=True, config=CONFIG)
Count = Annotated[int, Field(strict=True, ge=0)]  # a whole number >= 0: a TOML integer, not a float or a boolean
Number = Annotated[float, Field(allow_inf_nan=False)]


def _not_negative(value: float) -> float:
    return value if value >= 0 else _refuse(f"{value} must not be negative")


def _sentence(text: str) -> str:
    return text if text.strip() else _refuse(f"must be a sentence, got {text!r}")


def _selection(raw: object) -> object:
    """`{ variable = "value code", ... }` (both non-empty strings, no ';' or '=') as pairs sorted by variable."""
    if not isinstance(raw, dict):
        return raw if isinstance(raw, tuple) else _refuse('must be a non-empty table of variable = "value code"')
    if not raw:
        _refuse('must be a non-empty table of variable = "value code"')
    for variable, code in raw.items():
        if not isinstance(code, str) or not code or not variable:
            _refuse(f"{variable!r} must name one value code as a string, got {code!r}")
        if any(ch in text for text in (variable, code) for ch in ";="):
            _refuse(f"{variable}={code!r} may not contain ';' or '='")
    return tuple(sorted(raw.items()))


def _days_by(names: tuple[str, ...]) -> BeforeValidator:
    """A `[publication.<table>]` of name (one of `names`) = days, as (name, days) pairs sorted by name."""

    def pairs(raw: object) -> object:
        if not isinstance(raw, dict):
            return raw
        for name, days in raw.items():
            if name not in names:
                _refuse(f"{name!r} is not one of {', '.join(names)}")
            if isinstance(days, bool) or not isinstance(days, int) or days < 0:
                _refuse(f"{name} must be a whole number >= 0, got {days!r}")
        return tuple(sorted(raw.items()))

    return BeforeValidator(pairs)


def _refuse(problem: str):
    raise ValueError(problem)


@model
class IndexComponent:
    """One key figure in a computed index: its weight and whether higher values mean safer/better."""

    indicator_id: Annotated[str, Field(validation_alias="indicator")]
    weight: Annotated[float, Field(gt=0)]
    direction: Direction = "higher"


@model
class IndexMethod:
    """How a computed index is made from 0-100 key figures (docs/plan-file.md, "The safety index"): a
    year's index is the weighted mean of the components with a value that year (a lower-is-better one
    turned around, 100 - value), from `base_year` on, published only when they carry at least
    `min_coverage` of the weight; a year with an incomplete set of components is flagged preliminary."""

    base_year: int
    min_coverage: Annotated[float, Field(gt=0, le=1)]
    components: Annotated[tuple[IndexComponent, ...], Field(min_length=1)]
    normalisation: Literal["share_0_100"] = "share_0_100"


@model
class Indicator:
    """One yearly series, from one source series (a Kolada KPI, an SCB table cell, a file-drop kind),
    or computed from other series (`source = "computed"`: a `formula`, or an index `method`)."""

    id: str
    title: str
    unit: str
    source: SourceName
    decimals: int = 1
    direction: Direction = "higher"
    source_id: str | None = None
    source_title: str | None = None  # the title the source must still carry (checked every run)
    # Which cells of a multi-dimensional source table (SCB) the series is: (variable code, value code)
    # pairs from the plan file, sorted by variable; for a file drop, its rows (text column = value). Region and time
    # are not part of it (region comes from the plan, time is the series' own axis).
    source_selection: Annotated[tuple[tuple[str, str], ...], BeforeValidator(_selection)] = ()
    attribution: str | None = None
    series_break_years: tuple[int, ...] = ()  # first year of a new definition
    break_note: str | None = None
    note: str | None = None
    method: IndexMethod | None = None  # computed indices only
    # Computed measures: arithmetic over the inputs `source_id` names (FORMULA_INPUTS), compiled to SQL
    # (sql/models/staging/formula_observation.sql).
    formula: Annotated[Formula | None, BeforeValidator(read_formula)] = None
    # File drops: the column of the kind's format that holds the value (source_selection picks the rows,
    # none: every row of the year) and how the year's rows make its value (default: their sum; sellable
    # land: the hectares of the year's areas summed).
    value_column: str | None = None
    year_from_rows: Literal["sum", "mean"] | None = None
    # Compare this series with a published one (e.g. the city's own soliditet with Kolada's), year by
    # year in marts.reconciliation; a non-blocking check warns about a year that breaks the expectation
    # (`agree` or `by_design`: docs/plan-file.md; the reconcile_* fields together: _check_reconciliation).
    reconcile_with: str | None = None
    reconcile_tolerance: Annotated[Number, AfterValidator(_not_negative)] | None = None
    # Sub-year sources (SCB quarters): how the periods make a year (the sum of a flow such as dwellings
    # started, the last value of a stock, the mean of a level), and how many periods, counted back from
    # the latest published one, the source still revises (flagged preliminary).
    year_from_periods: Literal["sum", "last", "mean"] = "sum"
    preliminary_periods: Count = 0
    # Days after a year ends by which its figure is normally published; None: the plan's default for
    # the source. Kolada KPIs use Kolada's own publication_date when it has one.
    publication_lag_days: Count | None = None
    reconcile_kind: Literal["agree", "by_design"] | None = None
    reconcile_reason: Annotated[str, AfterValidator(_sentence)] | None = None
    reconcile_expected_difference: Number | None = None

    @model_validator(mode="before")
    @classmethod
    def _defaults_by_source(cls, raw: object) -> object:
        """A file drop's rows are summed unless said otherwise; a reconciliation is an agreement unless
        said otherwise (plan files only: code passes every field)."""
        if not isinstance(raw, dict):
            return raw
        defaults = {"year_from_rows": "sum"} if raw.get("source") == "filedrop" else {}
        defaults |= {"reconcile_kind": "agree"} if "reconcile_with" in raw else {}
        return defaults | raw

    @model_validator(mode="after")
    def _consistent(self) -> Indicator:
        _check_formula(self)
        _check_filedrop_measure(self)
        _check_reconciliation(self)
        return self

    @property
    def selection_key(self) -> str | None:
        """The canonical `k=v;k=v` key (sorted by variable) that staged source cells are joined on."""
        return selection_key(dict(self.source_selection)) if self.source_selection else None


def _check_formula(indicator: Indicator) -> None:
    """A computed measure from FORMULA_INPUTS has a formula, and only it has one; a formula over the
    statements names only line ids of their format (Kolada KPIs are checked against the plan)."""
    takes_formula = indicator.source == "computed" and indicator.source_id in FORMULA_INPUTS
    if indicator.formula is None:
        if takes_formula:
            _refuse(f"a computed indicator from {indicator.source_id!r} needs a formula")
        return
    if not takes_formula:
        _refuse(f"formula is for source = \"computed\" with source_id one of {', '.join(FORMULA_INPUTS)}")
    if indicator.source_id == "financial_statements":
        known = sorted(FORMATS["financial_statements"].column("line_id").allowed)
        what = f"a line_id of the financial_statements file drop ({', '.join(known)})"
        indicator.formula.check_names(set(known), what)


def _check_filedrop_measure(indicator: Indicator) -> None:
    """A file-drop indicator's value column is a number column of its kind's format and its row
    selection names text columns of it; the two fields are for file drops only."""
    if indicator.source != "filedrop":
        stray = [key for key in ("value_column", "year_from_rows") if getattr(indicator, key) is not None]
        if stray:
            _refuse(f"{', '.join(stray)} is for source = \"filedrop\"")
        return
    if indicator.source_id not in KINDS:
        _refuse(f"source_id {indicator.source_id!r} is not one of {', '.join(KINDS)}")
    fmt = FORMATS[indicator.source_id]
    numbers = [c.name for c in fmt.columns if c.type in ("int", "decimal") and c.name not in fmt.key]
    texts = [c.name for c in fmt.columns if c.type == "text"]
    if indicator.value_column is None:
        _refuse("missing field 'value_column'")
    if indicator.value_column not in numbers:
        _refuse(f"value_column {indicator.value_column!r} is not one of {', '.join(numbers)}")
    for variable, _ in indicator.source_selection:
        if variable not in texts:
            _refuse(f"source_selection {variable!r} is not one of {fmt.kind}'s text columns ({', '.join(texts)})")


RECONCILE_DETAILS = ("reconcile_kind", "reconcile_reason", "reconcile_expected_difference", "reconcile_tolerance")


def _check_reconciliation(indicator: Indicator) -> None:
    """The reconcile_* fields, together: an agreement needs a tolerance and expects a difference of 0;
    a by-design comparison needs its reason, and an expected difference comes with the tolerance it is
    judged within."""
    if indicator.reconcile_with is None:
        stray = [key for key in RECONCILE_DETAILS if getattr(indicator, key) is not None]
        if stray:
            _refuse(f"{', '.join(stray)} without reconcile_with")
        return
    expected, tolerance = indicator.reconcile_expected_difference, indicator.reconcile_tolerance
    if indicator.reconcile_kind == "agree":
        if tolerance is None:
            _refuse('reconcile_kind "agree" needs reconcile_tolerance (how far the two may differ)')
        if expected is not None:
            _refuse('reconcile_expected_difference is for reconcile_kind "by_design"; an agreement expects a difference of 0')
    else:
        if indicator.reconcile_reason is None:
            _refuse('reconcile_kind "by_design" needs reconcile_reason (why the two differ)')
        if (expected is None) != (tolerance is None):
            _refuse(
                "give reconcile_expected_difference and reconcile_tolerance together (the expected difference "
                "and how far from it the difference may go), or neither"
            )


def selection_key(selection: dict[str, str]) -> str:
    """`ContentsCode=BO0101A4;Hustyp=SMÅHUS`: variables sorted by code, so the same cells always
    give the same key whatever order the plan file or the source lists them in."""
    return ";".join(f"{variable}={selection[variable]}" for variable in sorted(selection))


# Fields each target kind needs, by their TOML names (ID_FIELDS: the attribute of those that differ).
REQUIRED_FIELDS = {
    "threshold_in_year": ("indicator", "value", "year"),
    "amount_in_year": ("indicator", "value", "year"),
    "threshold_every_year": ("indicator", "value"),
    "period_average": ("indicator", "value", "start_year", "end_year"),
    "share": ("indicator", "denominator_indicator", "value", "start_year", "end_year"),
    "none": (),
    "direction": ("indicator",),
}
ID_FIELDS = {"indicator": "indicator_id", "denominator_indicator": "denominator_indicator_id"}


@model
class TargetRule:
    """What a goal asks of its indicator. Which fields apply depends on `kind` (REQUIRED_FIELDS)."""

    id: str
    kind: TargetKind
    indicator_id: str | None = Field(default=None, validation_alias="indicator")
    value: Number | None = None
    year: int | None = None  # threshold_in_year, amount_in_year
    start_year: int | None = None  # period_average, share, threshold_every_year (optional)
    end_year: int | None = None
    denominator_indicator_id: str | None = Field(default=None, validation_alias="denominator_indicator")  # share
    direction: Direction = "higher"  # in a plan file: the indicator's direction unless given
    unit: str | None = None
    text: str | None = None  # the target in the plan's words
    method: Method | None = None  # None: the plan's progress_method

    @model_validator(mode="after")
    def _has_what_its_kind_needs(self) -> TargetRule:
        for key in REQUIRED_FIELDS[self.kind]:
            if getattr(self, ID_FIELDS.get(key, key)) is None:
                _refuse(f"missing field {key!r}")
        return self


@model
class Goal:
    """A goal and its targets; a plan file may give a direction goal's `direction` and `indicators`
    instead of targets (_directions)."""

    id: str
    title: str
    targets: Annotated[tuple[TargetRule, ...], Field(min_length=1)]  # kind = "none" for qualitative goals
    level: str = ""  # e.g. "nämndens mål", "nämndens inriktning", "stadens inriktning"
    area: str = ""
    motivation: str | None = None
    measurable: bool = True
    context_indicator_ids: tuple[str, ...] = Field(default=(), validation_alias="context_indicators")
    serves: str | None = None  # the goal of the parent plan (`[plan] parent`) this goal serves

    @model_validator(mode="before")
    @classmethod
    def _directions(cls, raw: object) -> object:
        """A goal with a wanted `direction` ("increase" / "decrease") and `indicators` instead of targets: one
        target of kind direction per indicator, with id `<goal id>__<indicator id>` (and the goal's `method`)."""
        if not isinstance(raw, dict) or "direction" not in raw:
            return raw
        goal = dict(raw)
        wanted, indicators, method = goal.pop("direction"), goal.pop("indicators", None), goal.pop("method", None)
        if wanted not in ("increase", "decrease"):
            _refuse(f"direction {wanted!r} is not one of increase, decrease")
        if "targets" in goal or not isinstance(indicators, list) or not indicators:
            _refuse("a goal with a direction names its indicators (indicators = [\"id\", ...]) instead of targets")
        higher = "higher" if wanted == "increase" else "lower"
        extra = {"method": method} if method is not None else {}
        targets = [{"id": f"{goal.get('id')}__{i}", "kind": "direction", "indicator": i, "direction": higher} | extra
                   for i in indicators]
        return goal | {"targets": targets}


_head = functools.partial(AliasPath, "plan")
_publication = functools.partial(AliasPath, "publication")


@model
class Plan:
    """A plan file: `[plan]` (the fields read from it by `_head`), `[publication]`, `[peers]`,
    `[[indicators]]` and `[[goals]]`."""

    id: Annotated[str, Field(validation_alias=_head("id"))]
    title: Annotated[str, Field(validation_alias=_head("title"))]
    municipality_code: Annotated[str, Field(pattern=r"^[0-9]{4}$", validation_alias=_head("municipality_code"))]
    municipality_name: Annotated[str, Field(validation_alias=_head("municipality_name"))]
    plan_year: Annotated[int, Field(validation_alias=_head("plan_year"))]
    organisation: str = Field(default="", validation_alias=_head("organisation"))
    first_year: int = Field(default=2015, validation_alias=_head("first_year"))  # first year of data to fetch
    # The plan this one works under (its id, e.g. the city's directions above a board's plan); its goals
    # name the parent's goal they serve (Goal.serves). The parent may be refreshed separately.
    parent: str | None = Field(default=None, validation_alias=_head("parent"))
    # Whose figures the file drops are, as archived with them (default: the organisation).
    filedrop_licence: str = Field(default="", validation_alias=_head("filedrop_licence"))
    # How a target not decided yet is judged unless the target names its own method.
    progress_method: Method = Field(default=DEFAULT_METHOD, validation_alias=_head("progress_method"))
    indicators: tuple[Indicator, ...] = ()
    goals: tuple[Goal, ...] = ()
    # Publication rhythm: default days after a year ends until its figure is out, per source, and the
    # grace after that before a missing figure counts as overdue (docs/target-rules.md).
    publication_lag_days: Annotated[tuple[tuple[str, int], ...], _days_by(SOURCES)] = Field(
        default=(), validation_alias=_publication("lag_days")
    )
    overdue_grace_days: Count = Field(default=30, validation_alias=_publication("overdue_grace_days"))
    # How old each file drop kind's current file may get before a newer one is expected (days).
    filedrop_max_age_days: Annotated[tuple[tuple[str, int], ...], _days_by(KINDS)] = Field(
        default=(), validation_alias=_publication("filedrop_max_age_days")
    )
    # The municipalities the plan's source figures are compared with (catalog/peers.py).
    peers: Annotated[PeerSpec, BeforeValidator(parse_peer_table)] = PeerSpec()
    source_path: str = dataclasses.field(default="", compare=False)

    @model_validator(mode="before")
    @classmethod
    def _known_head_fields(cls, raw: object) -> object:
        """`[plan]` and `[publication]` hold only the fields read from them (the rest is checked by type)."""
        for table in ("plan", "publication") if isinstance(raw, dict) else ():
            known = {f.validation_alias.path[1] for f in cls.__pydantic_fields__.values()
                     if isinstance(f.validation_alias, AliasPath) and f.validation_alias.path[0] == table}
            unknown = sorted(set(raw.get(table) or {}) - known) if isinstance(raw.get(table), dict) else []
            if unknown:
                _refuse(f"[{table}]: unknown field(s) {', '.join(unknown)}; expected {', '.join(sorted(known))}")
        return raw

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

    def rhythms(self) -> tuple[tuple[str, int | None, int | None], ...]:
        """(source, publication lag days, max age days) for each source the plan reads, as
        core.plan_source keeps them: Kolada's and SCB's lag from `[publication] lag_days`, a file drop
        kind's longest wait for a new file from `filedrop_max_age_days`; None where the plan sets none."""
        lags, ages = dict(self.publication_lag_days), dict(self.filedrop_max_age_days)
        return tuple((source, lags.get(source), ages.get(source.removeprefix("filedrop_"))) for source in sorted(self.sources_read()))

    def targets(self) -> tuple[tuple[Goal, TargetRule], ...]:
        return tuple((goal, rule) for goal in self.goals for rule in goal.targets)

    @property
    def plans(self) -> tuple[Plan, ...]:
        """A plan is the set of itself (catalog/plan_set.py): what a run of plans needs, for one plan."""
        return (self,)

    @property
    def own_municipalities(self) -> tuple[str, ...]:
        return (self.municipality_code,)

    def reading(self, source: str) -> tuple[Plan, ...]:
        return (self,) if self.indicators_from(source) else ()
