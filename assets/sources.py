"""The fetch assets of the `sources` group, one per fetched source of the registry
(indicator_pipeline/sources_registry.py): fetch, archive byte for byte, hand the payloads on. A source
fetched for the peer set reads it from the warehouse (core.peer_set, staged once by `stg_peer_set`)."""

from collections.abc import Callable

from dagster import AssetExecutionContext, AssetKey, AssetsDefinition

from assets.changes import reading_connection
from assets.common import retry_if_transient, source_asset
from assets.metadata import payload_metadata
from assets.resources import PipelineResource
from indicator_pipeline.errors import PipelineError
from indicator_pipeline.payloads import ArchivedPayload
from indicator_pipeline.settings import Settings
from indicator_pipeline.sources_registry import SOURCE
from indicator_pipeline.steps.peers import stored_peer_sets

PEER_SET_TABLE = "core.peer_set"  # staged by stg_peer_set (assets/peers.py)


def fetch_asset(key: str, description: str, metadata: Callable[[Settings], dict] | None = None) -> AssetsDefinition:
    """The asset that fetches source `key` as the registry says, with `metadata(settings)` beside its payloads'."""
    source = SOURCE[key]
    assert source.fetch is not None, f"{key} is not fetched"

    @source_asset(source.system, retried=True)(
        name=key, description=description, deps=[AssetKey(PEER_SET_TABLE.split("."))] if source.uses_peer_set else None
    )
    def _fetch(context: AssetExecutionContext, pipeline: PipelineResource) -> list[ArchivedPayload]:
        settings = pipeline.settings
        peer_sets = _peer_sets(context, pipeline) if source.uses_peer_set else {}
        with retry_if_transient(context):
            refs = source.fetch(settings, peer_sets)
        context.add_output_metadata({**(metadata(settings) if metadata else {}), **payload_metadata(refs)})
        return refs

    return _fetch


def _peer_sets(context: AssetExecutionContext, pipeline: PipelineResource):
    with reading_connection(context, pipeline) as con:
        if con is None:
            raise PipelineError(f"no warehouse holds a peer set yet: stg_peer_set stages {PEER_SET_TABLE} first")
        return stored_peer_sets(con, pipeline.settings.plans)
