"""Client for SCB's PxWeb API v2: config, table metadata and json-stat2 data, within the limits SCB
publishes at `/config` (cells per call, calls per time window): it splits data requests that would be
too large and spaces its calls so as not to be answered 429; retrying what fails anyway is retry.py's.
"""

from __future__ import annotations

import json
import math
import os
import re
import time
from collections import deque
from collections.abc import Mapping, Sequence
from typing import Callable
from urllib.parse import quote

from indicator_pipeline.errors import HttpStatusError, SourceError
from indicator_pipeline.sources import api_addresses
from indicator_pipeline.sources.transport import Fetched, Transport

SCB_SOURCE = "scb"
DEFAULT_BASE_URL = api_addresses.SCB_PXWEB
BASE_URL_ENV = "SCB_BASE_URL"
CONFIG_LIMITS = ("maxDataCells", "maxCallsPerTimeWindow", "timeWindow")
# The language of labels and notes (`?lang=`); value codes are the same in every language and the
# pipeline reads codes only. English, the language of the real metadata we know (tests/fixtures/conformance).
DEFAULT_LANGUAGE = "en"

Selection = Mapping[str, Sequence[str]]

# PxWeb selection expressions (`*`/`?` wildcards, top(n), bottom(n), from(x), to(x), range(a,b)):
# they stand for a number of values we cannot know without the table's metadata.
_EXPRESSION = re.compile(r"[*?]|^\[?(top|bottom|from|to|range)\(.*\)\]?$", re.IGNORECASE)


def split_selection(selection: Mapping[str, list[str]], max_cells: int) -> list[dict[str, list[str]]]:
    """Partition a selection into as few parts within `max_cells` as splitting one variable allows: the
    widest is cut into balanced chunks, each of its values split further when even one is over the limit."""
    cells = math.prod(len(codes) for codes in selection.values())
    if cells <= max_cells:
        return [dict(selection)]
    widest = max(selection, key=lambda var: len(selection[var]))
    codes = selection[widest]
    per_value = cells // len(codes)
    if per_value > max_cells:
        return [part for code in codes for part in split_selection({**selection, widest: [code]}, max_cells)]
    chunks = math.ceil(len(codes) / (max_cells // per_value))
    size, longer = divmod(len(codes), chunks)  # the first `longer` chunks take one value more
    bounds = [i * size + min(i, longer) for i in range(chunks + 1)]
    return [{**selection, widest: codes[start:end]} for start, end in zip(bounds, bounds[1:])]


class PxWebClient:
    """SCB PxWeb API v2 over a `Transport`; base URL from the argument, else `$SCB_BASE_URL`, else SCB.
    `lang` is the language asked for labels and notes (DEFAULT_LANGUAGE); codes do not depend on it."""

    def __init__(
        self,
        transport: Transport,
        base_url: str | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        lang: str = DEFAULT_LANGUAGE,
    ):
        self.transport = transport
        self.base_url = (base_url or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL).rstrip("/")
        self.lang = lang
        self._clock, self._sleep = clock, sleep
        self._calls: deque[float] = deque()  # when the calls of the last call window went out
        self._config: dict | None = None

    def config(self) -> dict:
        """The API's `/config` document, fetched once per client."""
        if self._config is None:
            self.fetch_config()
        return self._config  # type: ignore[return-value]

    def fetch_config(self) -> Fetched:
        """GET `/config`; also (re)reads the cell and call limits from it."""
        url = f"{self.base_url}/config"
        fetched = self._request("GET", url, "config")
        config = fetched.json()
        for key in CONFIG_LIMITS:
            value = config.get(key) if isinstance(config, dict) else None
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise SourceError(SCB_SOURCE, f"config field {key!r} is {value!r}, expected a positive integer", url)
        self._config = config
        return fetched

    def fetch_metadata(self, table_id: str) -> Fetched:
        """GET the table's metadata: a json-stat2 dataset with every variable and value, and no values."""
        self.config()  # the call limits must be known before the first throttled call
        url = f"{self._table_url(table_id)}/metadata?lang={quote(self.lang)}"
        return self._request("GET", url, f"table {table_id} metadata")

    def fetch_data(self, table_id: str, selection: Selection) -> list[Fetched]:
        """POST the selection for json-stat2 data, in as many calls as `maxDataCells` requires (one `Fetched`
        per part). Every variable lists explicit value codes: `*` or `top(4)` select a number of cells not
        known in advance (so the request could not be split to fit) and drift as the table grows."""
        codes = _checked_selection(table_id, selection)
        url = f"{self._table_url(table_id)}/data?lang={quote(self.lang)}&outputFormat=json-stat2"
        parts = split_selection(codes, self.config()["maxDataCells"])
        return [
            self._request(
                "POST", url, f"table {table_id} data for selection {_describe(part)}",
                {"selection": [{"variableCode": var, "valueCodes": codes} for var, codes in part.items()]},
            )
            for part in parts
        ]

    def _table_url(self, table_id: str) -> str:
        return f"{self.base_url}/tables/{quote(table_id, safe='')}"

    def _request(self, method: str, url: str, what: str, body: dict | None = None) -> Fetched:
        """One call, throttled to SCB's call limit when it reaches SCB (a replay does not). An HTTP error is
        re-raised naming `what` was asked and what SCB said."""
        if self.transport.reaches_source:
            self._wait_turn()
        try:
            return self.transport.request(SCB_SOURCE, method, url, body)
        except HttpStatusError as exc:
            raise SourceError(SCB_SOURCE, f"{what} failed: HTTP {exc.status}: {_server_says(exc.body)}", url) from exc

    def _wait_turn(self) -> None:
        """At most `maxCallsPerTimeWindow` calls in any `timeWindow` seconds, waiting until the oldest leaves.
        Calls are recorded even before the limits are known, so the call that fetches them counts."""
        config = self._config or {}
        limit, window = config.get("maxCallsPerTimeWindow"), config.get("timeWindow", 0)
        now = self._clock()
        if limit is not None and len(self._calls) >= limit:
            wait = self._calls[-limit] + window - now
            if wait > 0:
                self._sleep(wait)
                now = self._clock()
        while self._calls and self._calls[0] <= now - window:
            self._calls.popleft()
        self._calls.append(now)


def _checked_selection(table_id: str, selection: Selection) -> dict[str, list[str]]:
    if not selection:
        raise ValueError(f"table {table_id}: empty selection (SCB would silently answer its default selection)")
    checked = {}
    for variable, codes in selection.items():
        if isinstance(codes, str):
            raise ValueError(f"table {table_id}: {variable} must list value codes, got the string {codes!r}")
        codes = list(codes)
        if not codes:
            raise ValueError(f"table {table_id}: {variable} selects no values")
        expressions = [code for code in codes if _EXPRESSION.search(code)]
        if expressions:
            raise ValueError(
                f"table {table_id}: {variable} uses selection expression(s) {expressions}; "
                "list explicit value codes (see fetch_metadata) so the cell count is known"
            )
        if len(set(codes)) != len(codes):  # SCB answers a duplicated code with 500 and an empty body
            raise ValueError(f"table {table_id}: {variable} repeats value codes {codes}")
        checked[variable] = codes
    return checked


def _describe(selection: Mapping[str, list[str]], shown: int = 5) -> str:
    """`Region=1283; Tid=2024M01,2024M02,… (12 values)`: short enough for a one-line error."""
    return "; ".join(
        f"{var}={','.join(codes[:shown])}" + (f",… ({len(codes)} values)" if len(codes) > shown else "")
        for var, codes in selection.items()
    )


def _server_says(body: bytes) -> str:
    """The title and detail of an `application/problem+json` body, else the body as text."""
    text = body.decode("utf-8-sig", "replace").strip()
    try:
        problem = json.loads(text)
    except json.JSONDecodeError:
        problem = None
    if isinstance(problem, dict):
        said = [str(problem[key]) for key in ("title", "detail") if problem.get(key)]
        if said:
            return " — ".join(said)
    return text[:300] or "(empty body)"
