"""SCB PxWeb v2: fetch the plan's table cells, archive every payload, stage the decoded cells.

An SCB indicator names a table (`source_id`) and the cells that are the series (`source_selection`,
e.g. Hustyp=SMÅHUS, ContentsCode=BO0101A4); the region is the plan's municipality, time the series'
axis. The years, their completeness and preliminary flags are SQL (sql/models/staging/scb_period.sql),
from the plan's `year_from_periods` and `preliminary_periods`, never from the wording of SCB's notes.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Mapping, Sequence

import duckdb
import polars as pl

from indicator_pipeline.archive import RawArchive
from indicator_pipeline.catalog import Indicator
from indicator_pipeline.catalog.peers import PeerSet, scb_region
from indicator_pipeline.catalog.plan_set import Plans, requests_by_municipality
from indicator_pipeline.errors import CatalogueError, SourceError
from indicator_pipeline.payloads import ArchivedPayload, archive_fetched, register_payloads, restore
from indicator_pipeline.sources.jsonstat import dataset_info, decode_jsonstat2, dimension_labels
from indicator_pipeline.sources.pxweb import SCB_SOURCE, PxWebClient
from indicator_pipeline.sources.transport import Fetched, Transport
from indicator_pipeline.warehouse.sql import run_script

LICENCE = "Källa: SCB, CC0 1.0"
CONFIG_DATASET = "scb_config"
METADATA_DATASET = "scb_table_metadata"
DATA_DATASET = "scb_data"
REGION_VARIABLE = "Region"
DEFAULT_TIME_VARIABLE = "Tid"
_TABLE_IN_URL = re.compile(r"/tables/([^/?]+)/data")

STAGED_SCHEMA = {
    "table_id": pl.Utf8,
    "region": pl.Utf8,
    "selection_key": pl.Utf8,
    "period": pl.Utf8,
    "value": pl.Float64,
    "status": pl.Utf8,
    "table_updated": pl.Utf8,
    "raw_sha256": pl.Utf8,
    "source_url": pl.Utf8,
    "retrieved_at": pl.Utf8,
}


@dataclass(frozen=True)
class TableQuery:
    """The indicators of one table that select the same variables: fetched in one data query."""

    table_id: str
    indicators: tuple[Indicator, ...]


def table_queries(plan: Plans) -> list[TableQuery]:
    """The plan's SCB indicators grouped by table and selected variables, in plan order."""
    groups: dict[tuple[str, tuple[str, ...]], list[Indicator]] = defaultdict(list)
    for indicator in plan.indicators_from(SCB_SOURCE):
        if not indicator.source_id or not indicator.source_selection:
            raise CatalogueError(
                f"indicator {indicator.id!r}: an SCB indicator needs source_id (the table) and source_selection (its cells)"
            )
        variables = tuple(variable for variable, _ in indicator.source_selection)
        groups[(indicator.source_id, variables)].append(indicator)
    return [TableQuery(table, tuple(indicators)) for (table, _), indicators in groups.items()]


def time_variable(doc: dict) -> str:
    return (doc.get("role", {}).get("time") or [DEFAULT_TIME_VARIABLE])[0]


def data_selection(
    plan: Plans, query: TableQuery, metadata: dict, municipalities: Sequence[str] | None = None
) -> dict[str, list[str]]:
    """Explicit value codes for every variable of the table the query needs, in the table's order, each
    checked against the metadata: Region = `municipalities` (Kolada ids, default the plan's own) as SCB
    codes; time = the table's codes from the plan's first year; a selected variable = the codes its
    indicators name. A variable none selects is left out, which SCB allows only for eliminable ones."""
    where = f"table {query.table_id}"
    labels = dimension_labels(metadata)
    time = time_variable(metadata)
    if REGION_VARIABLE not in labels:
        raise SourceError(SCB_SOURCE, f"{where} has no {REGION_VARIABLE} variable (variables: {list(labels)})")
    regions = [scb_region(code) for code in (municipalities or plan.own_municipalities)]
    missing = [code for code in regions if code not in labels[REGION_VARIABLE]]
    if missing:
        raise SourceError(SCB_SOURCE, f"{where} has no region {', '.join(missing)}")
    wanted: dict[str, set[str]] = defaultdict(set)
    for indicator in query.indicators:
        for variable, code in indicator.source_selection:
            if variable in (REGION_VARIABLE, time):
                raise CatalogueError(
                    f"indicator {indicator.id!r}: source_selection may not name {variable} "
                    "(the region is the plan's municipality, time is the series' axis)"
                )
            if code not in labels.get(variable, {}):
                known = ", ".join(list(labels.get(variable, {}))[:10]) or f"no variable {variable} (variables: {list(labels)})"
                raise SourceError(SCB_SOURCE, f"{where}: indicator {indicator.id!r} selects {variable}={code}, which the table lacks ({known})")
            wanted[variable].add(code)
    if not labels.get(time):
        raise SourceError(SCB_SOURCE, f"table metadata has no time variable {time!r}")
    # the table's own time codes (2015K1, 2015K2, ...) from the plan's first year on, in the table's order
    quarters = [code for code in labels[time] if code[:4].isdigit() and int(code[:4]) >= plan.first_year]
    if not quarters:
        raise SourceError(SCB_SOURCE, f"{where} has no {time} values from {plan.first_year} on")
    selection: dict[str, list[str]] = {}
    for variable in metadata["id"]:
        if variable == REGION_VARIABLE:
            selection[variable] = regions
        elif variable == time:
            selection[variable] = quarters
        elif variable in wanted:
            selection[variable] = [code for code in labels[variable] if code in wanted[variable]]
        elif not metadata["dimension"][variable].get("extension", {}).get("elimination", False):
            names = ", ".join(i.id for i in query.indicators)
            raise CatalogueError(
                f"{where}: variable {variable} cannot be left out (SCB does not eliminate it), but {names} do not select it"
            )
    return selection


def fetch(
    plans: Plans, transport: Transport, archive: RawArchive, peer_sets: Mapping[str, PeerSet] | None = None
) -> list[ArchivedPayload]:
    """Config, then per table its metadata and data for each plan's peer set (default: its own municipality),
    asked as catalog/plan_set.py `requests_by_municipality` says, each in as many calls as SCB's `/config`
    cell limit needs; every payload archived, in the order fetched."""
    readers = plans.reading(SCB_SOURCE)
    requested = {p.id: peer_sets[p.id].requested if peer_sets else (p.municipality_code,) for p in readers}
    queries = table_queries(plans)
    if not queries:
        return []
    client = PxWebClient(transport)
    refs = archive_fetched([client.fetch_config()], archive, CONFIG_DATASET, LICENCE)
    metadata: dict[str, dict] = {}
    for query in queries:
        if query.table_id not in metadata:
            fetched = client.fetch_metadata(query.table_id)
            refs += archive_fetched([fetched], archive, METADATA_DATASET, LICENCE)
            metadata[query.table_id] = fetched.json()
        for codes, asking in requests_by_municipality(readers, requested):
            selection = data_selection(asking, query, metadata[query.table_id], codes)
            refs += archive_fetched(client.fetch_data(query.table_id, selection), archive, DATA_DATASET, LICENCE)
    return refs


def decode_cells(page: Fetched, sha256: str) -> pl.DataFrame:
    """One data answer as staged cells (before the preliminary flag, which the load SQL sets)."""
    doc = page.json()
    info = dataset_info(doc)
    match = _TABLE_IN_URL.search(page.url)
    table_id = match.group(1) if match else info["table_id"]
    if table_id is None or (info["table_id"] and info["table_id"] != table_id):
        raise SourceError(SCB_SOURCE, f"answer is for table {info['table_id']!r}, asked for {table_id!r}", page.url)
    cells = decode_jsonstat2(doc, source=SCB_SOURCE, url=page.url)
    time = time_variable(doc)
    for needed in (REGION_VARIABLE, time):
        if needed not in cells.columns:
            raise SourceError(SCB_SOURCE, f"answer has no {needed} dimension (dimensions: {doc.get('id')})", page.url)
    others = sorted(c for c in cells.columns if c not in (REGION_VARIABLE, time, "value", "status"))
    key = pl.concat_str([pl.lit(f"{v}=") + pl.col(v) for v in others], separator=";") if others else pl.lit("")
    return cells.select(
        pl.lit(table_id).alias("table_id"),
        pl.col(REGION_VARIABLE).alias("region"),
        key.alias("selection_key"),
        pl.col(time).alias("period"),
        pl.col("value"),
        pl.col("status"),
        pl.lit(info["updated"], dtype=pl.Utf8).alias("table_updated"),
        pl.lit(sha256).alias("raw_sha256"),
        pl.lit(page.url).alias("source_url"),
        pl.lit(page.retrieved_at).alias("retrieved_at"),
    ).cast(STAGED_SCHEMA)  # type: ignore[arg-type]


def stage_values(
    con: duckdb.DuckDBPyConnection, plans: Plans, refs: Sequence[ArchivedPayload], archive: RawArchive
) -> pl.DataFrame:
    """Decode the archived data answers into staging.scb_values; every SCB indicator must get cells."""
    frames = [decode_cells(restore(ref, archive), ref.sha256) for ref in refs if ref.dataset == DATA_DATASET]
    incoming = pl.concat(frames) if frames else pl.DataFrame(schema=STAGED_SCHEMA)
    for reader in plans.reading(SCB_SOURCE):
        own = incoming.filter(pl.col("region") == reader.municipality_code)
        series = set(own.select("table_id", "selection_key").iter_rows())
        for indicator in reader.indicators_from(SCB_SOURCE):
            if (indicator.source_id, indicator.selection_key) not in series:
                raise SourceError(
                    SCB_SOURCE,
                    f"no cells for indicator {indicator.id!r} ({indicator.source_id} {indicator.selection_key}, "
                    f"region {reader.municipality_code}) in the archived answers",
                )
    register_payloads(con, refs)
    run_script(con, "load/replace_scb_values.sql", {"incoming": incoming})
    return con.sql("SELECT * FROM staging.scb_values ORDER BY table_id, region, selection_key, period").pl()
