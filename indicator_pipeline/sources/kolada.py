"""Kolada API v3 (RKA): KPI metadata and KPI values for municipalities. URLs are deterministic (ids
de-duplicated, sorted, chunked by 25): the snapshot is keyed on them. Parsing keeps the wire data as it
is (null stays null) and fails naming the URL, field and value on anything it does not recognise.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from types import NoneType
from typing import Any
from urllib.parse import urljoin

import polars as pl

from indicator_pipeline.errors import MetadataMismatchError, SourceError
from indicator_pipeline.sources import api_addresses
from indicator_pipeline.sources.transport import Fetched, Transport

KOLADA_SOURCE = "kolada"
DEFAULT_BASE_URL = api_addresses.KOLADA
MAX_LIST_ITEMS = 25  # Kolada refuses more than 25 items in one comma-list path segment
PER_PAGE = 5000  # the most values Kolada sends in one page
LICENCE = "Källa: Kolada (RKA), CC BY 4.0"

VALUES_SCHEMA = pl.Schema(
    {
        "kpi_id": pl.Utf8,
        "municipality_code": pl.Utf8,
        "year": pl.Int32,
        "gender": pl.Utf8,
        "value": pl.Float64,
        "status": pl.Utf8,
        "is_deleted": pl.Boolean,
        "member_count": pl.Int32,
        "raw_sha256": pl.Utf8,
        "source_url": pl.Utf8,
        "retrieved_at": pl.Utf8,
    }
)
MUNICIPALITIES_SCHEMA = pl.Schema(
    {"municipality_code": pl.Utf8, "municipality_name": pl.Utf8, "kolada_type": pl.Utf8, "raw_sha256": pl.Utf8}
)


class KoladaClient:
    """Fetches every page of every chunked request; returns the raw pages for archiving and parsing. Base URL
    from the argument, else `$KOLADA_BASE_URL` (e.g. a local stand-in server), else the public v3 API."""

    def __init__(self, transport: Transport, base_url: str | None = None, max_pages: int = 1000):
        self.transport = transport
        self.base_url = (base_url or os.environ.get("KOLADA_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")
        self.max_pages = max_pages

    def fetch_kpi_metadata(self, kpi_ids: Iterable[str]) -> list[Fetched]:
        return self._fetch_paths(f"kpi/{kpis}" for kpis in _segments(sorted(set(kpi_ids))))

    def fetch_values(
        self, kpi_ids: Iterable[str], municipality_ids: Iterable[str], years: Iterable[int]
    ) -> list[Fetched]:
        combinations = itertools.product(
            _segments(sorted(set(kpi_ids))),
            _segments(sorted(set(municipality_ids))),
            _segments([str(year) for year in sorted({int(year) for year in years})]),
        )
        return self._fetch_paths(
            f"data/kpi/{kpi_list}/municipality/{municipality_list}/year/{year_list}"
            for kpi_list, municipality_list, year_list in combinations
        )

    def fetch_municipalities(self) -> list[Fetched]:
        """Every municipality and region Kolada knows (`/v3/municipality`: id, title, type K or L)."""
        return self._fetch_paths(["municipality"])

    def fetch_municipality_group(self, group_id: str) -> list[Fetched]:
        """One municipality group with its members (`/v3/municipality_groups/{id}`)."""
        return self._fetch_paths([f"municipality_groups/{group_id}"])

    def _fetch_paths(self, paths: Iterable[str]) -> list[Fetched]:
        urls = (f"{self.base_url}/{path}?per_page={PER_PAGE}" for path in paths)
        return [page for url in urls for page in self._fetch_pages(url)]

    def _fetch_pages(self, url: str) -> list[Fetched]:
        """Follow `next_url` to the end. A loop or runaway paging raises rather than return part of the answer."""
        pages: list[Fetched] = []
        seen: set[str] = set()
        next_url: str | None = url
        while next_url:
            if next_url in seen:
                raise SourceError(KOLADA_SOURCE, "pagination loops: next_url repeats a page already fetched", next_url)
            if len(pages) >= self.max_pages:
                raise SourceError(KOLADA_SOURCE, f"more than {self.max_pages} pages; stopped before", next_url)
            seen.add(next_url)
            page = self.transport.request(KOLADA_SOURCE, "GET", next_url)
            pages.append(page)
            body = _envelope(page)
            link = _field(page, "envelope", body, "next_url", expected="a URL or null", required=False)
            next_url = urljoin(page.url, link) if link else None
        return pages


def _segments(items: Sequence[str]) -> list[str]:
    return [",".join(items[i : i + MAX_LIST_ITEMS]) for i in range(0, len(items), MAX_LIST_ITEMS)]


def parse_kpi_metadata(pages: Sequence[Fetched]) -> list[dict]:
    """The KPI metadata objects of all pages, each checked to have a string `id` and `title`."""
    metadata = []
    for page, where, kpi in _objects(pages):
        for name in ("id", "title"):
            _field(page, where, kpi, name)
        metadata.append(kpi)
    return metadata


def check_kpi_titles(metadata: Sequence[dict], expected: Mapping[str, str]) -> None:
    """Raise one `MetadataMismatchError` listing every expected KPI that is gone or was re-titled: Kolada
    may re-purpose or remove KPIs without notice, and then the numbers may no longer measure the goal."""
    titles = {kpi["id"]: kpi["title"] for kpi in metadata}
    problems = []
    for kpi_id, title in sorted(expected.items()):
        if kpi_id not in titles:
            problems.append(f"Kolada no longer knows KPI {kpi_id} (expected title {title!r})")
        elif titles[kpi_id] != title:
            problems.append(f"KPI {kpi_id} is now titled {titles[kpi_id]!r} (expected title {title!r})")
    if problems:
        raise MetadataMismatchError(KOLADA_SOURCE, "; ".join(problems))


def parse_municipalities(pages: Sequence[Fetched]) -> pl.DataFrame:
    """Kolada's municipality list, one row per item of each page as sent (code, name, type K or L and
    the page's hash), each field checked."""
    rows = [
        (*(_field(page, where, item, name) for name in ("id", "title", "type")), page.sha256)
        for page, where, item in _objects(pages)
    ]
    return pl.DataFrame(rows, schema=MUNICIPALITIES_SCHEMA, orient="row")


def parse_group_members(pages: Sequence[Fetched], group_id: str) -> list[str]:
    """The member codes of group `group_id`; a group Kolada does not know (an empty answer) is an error."""
    members = None
    for page, where, group in _objects(pages):
        if _field(page, where, group, "id") != group_id:
            continue
        members = []
        for i, member in enumerate(_field(page, where, group, "members", (list,), "a list")):
            _require_object(page, f"{where}.members[{i}]", member)
            members.append(_field(page, f"{where}.members[{i}]", member, "member_id"))
    if members is None:
        raise SourceError(KOLADA_SOURCE, f"Kolada knows no municipality group {group_id}", pages[0].url if pages else None)
    return members


def parse_values(pages: Sequence[Fetched]) -> pl.DataFrame:
    """One row per value object (every gender), with the page's hash, URL and retrieval time."""
    rows = [row for page, where, data in _objects(pages) for row in _value_rows(page, where, data)]
    return pl.DataFrame(rows, schema=VALUES_SCHEMA, orient="row")


def _value_rows(page: Fetched, where: str, data: dict) -> Iterator[tuple]:
    kpi = _field(page, where, data, "kpi")
    municipality = _field(page, where, data, "municipality")
    year = _field(page, where, data, "period", (int,), "an integer year")
    entries = _field(page, where, data, "values", (list,), "a list")
    for i, entry in enumerate(entries):
        at = f"{where}.values[{i}]"
        _require_object(page, at, entry)
        value = _field(page, at, entry, "value", (int, float, NoneType), "a number or null")
        deleted_key = "is_deleted" if "is_deleted" in entry else "isdeleted"  # v2 spelling, else v3
        yield (
            kpi, municipality, year, _field(page, at, entry, "gender"),
            None if value is None else float(value),
            _field(page, at, entry, "status", expected="a string or null", required=False),
            _field(page, at, entry, deleted_key, (bool,), "true, false or null", required=False),
            _field(page, at, entry, "count", (int,), "an integer or null", required=False),
            page.sha256, page.url, page.retrieved_at,
        )


def _envelope(page: Fetched) -> dict:
    """The decoded `{"values": [...], "count", "next_url", "previous_url"}` object of a page."""
    body = page.json()
    if not isinstance(body, dict):
        raise SourceError(KOLADA_SOURCE, f"response is {_show(body)}, expected an object with 'values'", page.url)
    _field(page, "envelope", body, "values", (list,), "a list")
    return body


def _objects(pages: Iterable[Fetched]) -> Iterator[tuple[Fetched, str, dict]]:
    """Each item of each page's `values`, checked to be an object, with its page and position."""
    for page in pages:
        for i, item in enumerate(_envelope(page)["values"]):
            where = f"values[{i}]"
            _require_object(page, where, item)
            yield page, where, item


def _require_object(page: Fetched, where: str, item: Any) -> None:
    if not isinstance(item, dict):
        raise SourceError(KOLADA_SOURCE, f"{where} is {_show(item)}, expected an object", page.url)


def _field(
    page: Fetched, where: str, obj: dict, name: str, types: tuple[type, ...] = (str,),
    expected: str = "a string", *, required: bool = True,
) -> Any:
    """`obj[name]` if one of `types`, else a `SourceError`; an optional field may also be null or absent
    (read as None). `bool` is a subclass of `int`, but `true` is never a number or a year on the wire."""
    types = types if required else (*types, NoneType)
    if name not in obj:
        if required:
            raise SourceError(KOLADA_SOURCE, f"{where}: field {name!r} is missing, expected {expected}", page.url)
        return None
    value = obj[name]
    if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
        raise SourceError(KOLADA_SOURCE, f"{where}: field {name!r} is {_show(value)}, expected {expected}", page.url)
    return value


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else f"{text[:77]}..."
