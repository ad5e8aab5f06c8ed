"""Which municipalities a plan's figures are compared with, and the reference rows beside them:
Riket and the plan's county, shown, never ranked (docs/peers.md).

The peer model is a domain contract: the plan (`[peers]`) and the settings (`--peers`) read it, the
peer-set step resolves it against the municipality list the Kolada client hands back as plain rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, Mapping, Sequence

from indicator_pipeline.errors import CatalogueError

RIKET = "0000"
MUNICIPALITY_TYPE = "K"  # Kolada's type of a municipality; regions (and Riket) are "L"
PeerKind = Literal["none", "codes", "group", "all"]
_CODE = re.compile(r"[0-9]{4}")
_GROUP = re.compile(r"G[0-9]+")


@dataclass(frozen=True)
class PeerSpec:
    """What was asked for, before Kolada's lists are known."""

    kind: PeerKind = "none"
    codes: tuple[str, ...] = ()
    group_id: str | None = None

    def describe(self) -> str:
        if self.kind == "codes":
            return ",".join(self.codes)
        return self.group_id if self.kind == "group" else self.kind


@dataclass(frozen=True)
class Municipality:
    code: str
    name: str
    type: str  # "K" municipality, "L" region or Riket


@dataclass(frozen=True)
class PeerSet:
    """The plan's municipality, its peers and the reference rows, as requested from the sources."""

    own: str
    peers: tuple[str, ...]
    references: tuple[str, ...]

    @property
    def requested(self) -> tuple[str, ...]:
        """Every municipality or region asked for, sorted (the order requests are chunked in)."""
        return tuple(sorted({self.own, *self.peers, *self.references}))

    def role(self, code: str) -> str:
        if code == self.own:
            return "own"
        return "reference" if code in self.references else "peer"


def parse_peer_text(text: str, where: str) -> PeerSpec:
    """`all`, `none`, a group id (`G37394`) or comma-separated municipality codes (`0580,1280`)."""
    value = text.strip()
    if value.lower() in ("all", "none"):
        return PeerSpec(kind=value.lower())  # type: ignore[arg-type]
    if _GROUP.fullmatch(value):
        return PeerSpec(kind="group", group_id=value)
    try:
        return PeerSpec(kind="codes", codes=_codes([part.strip() for part in value.split(",")]))
    except ValueError as exc:
        raise CatalogueError(f"{where}: {exc}") from exc


def parse_peer_table(raw: object) -> object:
    """The plan file's `[peers]`: exactly one of `municipalities = ["0580", ...]` or `group = "G..."`
    (a PeerSpec passes as it is); ValueError naming the field and value otherwise."""
    if isinstance(raw, PeerSpec):
        return raw
    if not isinstance(raw, dict):
        raise ValueError(f"must be a table (municipalities = [...] or group = \"G...\"), got {raw!r}")
    unknown = sorted(set(raw) - {"municipalities", "group"})
    if unknown:
        raise ValueError(f"unknown field(s) {', '.join(unknown)}; expected municipalities or group")
    if ("municipalities" in raw) == ("group" in raw):
        raise ValueError("give either municipalities (a list of codes) or group (a Kolada group id)")
    if "group" in raw:
        group = raw["group"]
        if not isinstance(group, str) or not _GROUP.fullmatch(group):
            raise ValueError(f"group {group!r} is not a Kolada municipality group id (G followed by digits)")
        return PeerSpec(kind="group", group_id=group)
    codes = raw["municipalities"]
    if not isinstance(codes, list) or not codes:
        raise ValueError(f"municipalities must be a non-empty list of four-digit codes, got {codes!r}")
    return PeerSpec(kind="codes", codes=_codes(codes))


def _codes(codes: Sequence) -> tuple[str, ...]:
    bad = [code for code in codes if not isinstance(code, str) or not _CODE.fullmatch(code)]
    if bad or not codes:
        raise ValueError(
            f"{', '.join(repr(code) for code in bad) or 'nothing'} is not a four-digit municipality code "
            "(expected codes such as 0580,1280, a Kolada group id such as G37394, all or none)"
        )
    return tuple(dict.fromkeys(codes))


def scb_region(code: str) -> str:
    """SCB's region code for a Kolada municipality or region id: 1283 stays 1283; Riket 0000 is 00 and
    a county's region 00LL is LL (sql/models/staging/scb_period.sql writes them back)."""
    return code[2:] if code.startswith("00") else code


def resolve(
    spec: PeerSpec,
    own: str,
    municipalities: Mapping[str, Municipality],
    group_members: Sequence[str] | None,
    where: str,
) -> PeerSet:
    """The peer set for `spec`, checked against Kolada's municipality list: every peer must be a
    municipality (type K) Kolada knows; the plan's own municipality is never its own peer."""
    _require_municipality(own, municipalities, f"{where}: the plan's municipality_code")
    if spec.kind == "all":
        peers = sorted(code for code, m in municipalities.items() if m.type == MUNICIPALITY_TYPE)
    else:
        group = spec.kind == "group"
        what = f"group {spec.group_id} member" if group else "peer"
        peers = list(group_members if group else spec.codes)
        for code in peers:
            _require_municipality(code, municipalities, f"{where}: {what}")
    references = (RIKET, f"00{own[:2]}")  # and the county's region id: 1283 -> 0012 (Region Skåne)
    for code in references:
        if code not in municipalities:
            raise CatalogueError(f"{where}: Kolada's municipality list has no region {code} (reference row)")
    return PeerSet(own=own, peers=tuple(sorted(set(peers) - {own})), references=references)


def _require_municipality(code: str, municipalities: Mapping[str, Municipality], what: str) -> None:
    known = municipalities.get(code)
    if known is None:
        raise CatalogueError(f"{what} {code} is not a municipality code Kolada knows ({len(municipalities)} known)")
    if known.type != MUNICIPALITY_TYPE:
        raise CatalogueError(f"{what} {code} is {known.name} (Kolada type {known.type}), not a municipality (type K)")
