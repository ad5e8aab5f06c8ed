"""Kolada: fetch the plan's KPIs (metadata and values), archive the bytes, stage the parsed rows."""

from __future__ import annotations

from typing import Mapping, Sequence

import duckdb
import polars as pl

from indicator_pipeline.archive import RawArchive
from indicator_pipeline.catalog.peers import PeerSet
from indicator_pipeline.catalog.plan_set import Plans, requests_by_municipality
from indicator_pipeline.payloads import ArchivedPayload, archive_fetched, register_payloads, restore
from indicator_pipeline.sources import kolada
from indicator_pipeline.errors import SourceError
from indicator_pipeline.sources.transport import Fetched, Transport
from indicator_pipeline.warehouse.sql import run_script, sql_text


def expected_titles(plan: Plans) -> dict[str, str]:
    """KPI id -> the title the catalogue expects Kolada to still use."""
    return {i.source_id: i.source_title for i in plan.indicators_from("kolada") if i.source_id and i.source_title}


def kpi_ids(plan: Plans) -> list[str]:
    return sorted({i.source_id for i in plan.indicators_from("kolada") if i.source_id})


def fetch_metadata(plan: Plans, transport: Transport, archive: RawArchive) -> list[ArchivedPayload]:
    pages = kolada.KoladaClient(transport).fetch_kpi_metadata(kpi_ids(plan))
    return archive_fetched(pages, archive, "kolada_kpi_metadata", kolada.LICENCE)


def fetch_values(
    plans: Plans, transport: Transport, archive: RawArchive, last_year: int, peer_sets: Mapping[str, PeerSet]
) -> list[ArchivedPayload]:
    """The plans' KPIs for their peer sets, from their first year to `last_year` (which depends on the fetch
    date, never on the as-of date: Settings.last_fetch_year); each request asks for the KPIs and years of
    the plans that need its municipalities (catalog/plan_set.py `requests_by_municipality`)."""
    client = kolada.KoladaClient(transport)
    requested = {plan_id: peers.requested for plan_id, peers in peer_sets.items()}
    pages = [
        page
        for codes, asking in requests_by_municipality(plans.reading("kolada"), requested)
        for page in client.fetch_values(kpi_ids(asking), codes, range(asking.first_year, last_year + 1))
    ]
    require_some_values(pages)
    return archive_fetched(pages, archive, "kolada_values", kolada.LICENCE)


def _parse_archived(con: duckdb.DuckDBPyConnection, pages: pl.DataFrame) -> pl.DataFrame:
    """Every value object of the archived bodies in `pages`, read by DuckDB in one pass."""
    con.execute("SET VARIABLE kolada_value_files = ?", [sorted(set(pages["path"]))])
    con.register("kolada_pages", pages.to_arrow())
    try:
        return pl.from_arrow(con.sql(sql_text("load/kolada_values_from_archive.sql")).arrow())  # type: ignore[return-value]
    finally:
        con.unregister("kolada_pages")


def require_some_values(pages: Sequence[Fetched]) -> None:
    """Kolada answers unknown KPI or municipality ids with `values: []`, not an error: an answer with no
    value at all for the whole data request means the request is wrong, never "no data this year"."""
    if pages and not any(page.json().get("values") for page in pages):
        urls = list(dict.fromkeys(page.url for page in pages))
        more = f" and {len(urls) - 1} more" if len(urls) > 1 else ""
        raise SourceError(
            kolada.KOLADA_SOURCE,
            "the data request answered no values at all (Kolada answers unknown ids with an empty list)",
            urls[0] + more,
        )


# The metadata fields sql/load/replace_kolada_kpi.sql reads.
KPI_COLUMNS = ("id", "title", "description", "is_divided_by_gender", "municipality_type", "auspice", "operating_area", "perspective",
               "prel_publication_date", "publication_date", "publ_period", "has_ou_data", "raw_sha256")


def stage_metadata(
    con: duckdb.DuckDBPyConnection, plan: Plans, refs: Sequence[ArchivedPayload], archive: RawArchive
) -> pl.DataFrame:
    """Parse, check every KPI title against the catalogue (a re-titled KPI stops here), stage."""
    pages = [restore(ref, archive) for ref in refs]
    rows = [{**kpi, "raw_sha256": page.sha256} for page in pages for kpi in kolada.parse_kpi_metadata([page])]
    kolada.check_kpi_titles(rows, expected_titles(plan))
    # A plan without Kolada KPIs (a parent plan of directions only) stages none: the columns, no rows.
    frame = pl.DataFrame(rows, infer_schema_length=None) if rows else pl.DataFrame(schema=dict.fromkeys(KPI_COLUMNS, pl.Utf8))
    register_payloads(con, refs)
    run_script(con, "load/replace_kolada_kpi.sql", {"incoming": frame})
    return frame


def stage_values(con: duckdb.DuckDBPyConnection, refs: Sequence[ArchivedPayload], archive: RawArchive) -> int:
    """Stage the values and what the requests covered, parsed in bulk by DuckDB from the archived bodies;
    returns the rows staged. When the bulk reader refuses a body, the row-by-row parser names the page,
    field and value."""
    pages = pl.DataFrame(
        [(ref.sha256, ref.location, ref.retrieved_at, str(archive.object_path(ref.sha256))) for ref in refs],
        schema={"sha256": pl.Utf8, "url": pl.Utf8, "retrieved_at": pl.Utf8, "path": pl.Utf8},
        orient="row",
    )
    register_payloads(con, refs)
    try:
        incoming = _parse_archived(con, pages) if refs else pl.DataFrame(schema={**kolada.VALUES_SCHEMA, "wire_ok": pl.Boolean})
        run_script(con, "load/replace_kolada_values.sql", {"incoming": incoming, "kolada_pages": pages})
    except duckdb.Error as exc:
        kolada.parse_values([restore(ref, archive) for ref in refs])  # raises naming the page, field and value
        raise SourceError(kolada.KOLADA_SOURCE, f"the archived answers could not be loaded: {exc}") from exc
    return con.table("staging.kolada_values").shape[0]
