"""Kolada v3 and SCB PxWeb v2 on 127.0.0.1, answering generated values for any set of municipalities.

For the scale path: tests run it with a few municipalities, `benchmarks/scale.py` with all 290. The
answers have the real wire formats (the bundled snapshot's real answers are served as they are where
the generator has nothing to add: Kolada's municipality list, the peer group, the KPI metadata, SCB's
/config and the table metadata), and the server enforces the limits the clients must keep: at most 25
ids per Kolada list (400 otherwise), `per_page` paging via `next_url`, and SCB's `maxDataCells` (403).

Values are generated, deterministic and illustrative: `generated_value(kpi, municipality, year)` in
0-100 (every range check of every unit accepts it), one in 37 missing (`null`), and a KPI that Kolada
divides by gender has T, K and M; a test may choose a KPI's figures instead (`chosen`). SCB cells are
whole numbers 0-400.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

PROJECT = Path(__file__).resolve().parents[1]
BUNDLED = PROJECT / "indicator_pipeline" / "snapshots" / "bundled"
MAX_LIST_ITEMS = 25


def _unit_interval(*key: object) -> float:
    digest = hashlib.sha256("|".join(map(str, key)).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def generated_value(kpi: str, municipality: str, year: int, gender: str = "T") -> float | None:
    """A stable illustrative figure in 0-100 with one decimal; None (missing) for one key in 37."""
    if _unit_interval("missing", kpi, municipality, year) < 1 / 37:
        return None
    return round(100 * _unit_interval(kpi, municipality, year, gender), 1)


def generated_cell(*codes: str) -> int:
    return int(400 * _unit_interval(*codes))


def recorded_body(source: str, url_part: str, method: str = "GET") -> bytes:
    """The bundled snapshot's body of the one recorded request whose URL contains `url_part`."""
    for meta_path in sorted((BUNDLED / source).glob(f"{method}-*.meta.json")):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if url_part in meta["url"]:
            return meta_path.with_name(meta_path.name.removesuffix(".meta.json") + ".body").read_bytes()
    raise LookupError(f"no recorded {method} {source} answer with {url_part!r} in its URL in {BUNDLED}")


Chosen = dict[str, dict[int, dict[str, float | None]]]  # KPI -> year -> municipality -> gender-T value (None: null)


def kolada_data_page(
    kpis: list[str], municipalities: list[str], years: list[int], divided: set[str], chosen: Chosen | None = None
) -> list[dict]:
    """Kolada v3 data objects (real key order) for every KPI, municipality and year asked for; for a KPI in
    `chosen`, exactly its figures there (a municipality or year it lacks is not sent)."""
    objects = []
    for kpi, municipality, year in itertools.product(kpis, municipalities, years):
        if kpi in (chosen or {}):
            if municipality in chosen[kpi].get(year, {}):
                value = chosen[kpi][year][municipality]
                objects.append({"values": [{"gender": "T", "count": 1, "status": "", "value": value}], "kpi": kpi,
                                "period": year, "municipality": municipality})
            continue
        genders = ("T", "K", "M") if kpi in divided else ("T",)
        values = [
            {"gender": g, "count": 1, "status": "", "value": generated_value(kpi, municipality, year, g)} for g in genders
        ]
        objects.append({"values": values, "kpi": kpi, "period": year, "municipality": municipality})
    return objects


def envelope(values: list, next_url: str | None = None, previous_url: str | None = None) -> bytes:
    body = {"values": values, "count": len(values), "next_url": next_url, "previous_url": previous_url}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def scb_data_answer(metadata: dict, selection: dict[str, list[str]]) -> dict:
    """A json-stat2 data answer for `selection` in the metadata's own shape: the selected variables in
    the table's order (eliminated ones left out), row-major values."""
    ids = [variable for variable in metadata["id"] if variable in selection]
    dimension = {}
    for variable in ids:
        spec = metadata["dimension"][variable]
        labels = spec["category"]["label"]
        category = {
            "index": {code: i for i, code in enumerate(selection[variable])},
            "label": {code: labels[code] for code in selection[variable]},
        }
        if "unit" in spec["category"]:
            category["unit"] = {code: spec["category"]["unit"][code] for code in selection[variable]}
        dimension[variable] = {"label": spec["label"], "category": category, "extension": {"elimination": False}}
    values = [generated_cell(*cell) for cell in itertools.product(*(selection[v] for v in ids))]
    answer = {key: metadata[key] for key in ("version", "class", "label", "source", "updated", "note", "role") if key in metadata}
    return {**answer, "id": ids, "size": [len(selection[v]) for v in ids], "dimension": dimension,
            "extension": metadata.get("extension", {}), "value": values}


class LoopbackSources:
    """Both APIs on one loopback port: Kolada under `/v3`, SCB under `/api/v2`.

    `kolada_url` and `scb_url` are the base URLs to set as KOLADA_BASE_URL and SCB_BASE_URL.
    `requests` counts the answered requests per kind. `chosen`: Kolada figures a test chose (kolada_data_page).
    """

    def __init__(self, per_page_limit: int = 5000, chosen: Chosen | None = None):
        self.per_page_limit = per_page_limit
        self.chosen = chosen
        self.municipality_body = recorded_body("kolada", "/v3/municipality?")
        self.groups = {"G37394": recorded_body("kolada", "/v3/municipality_groups/G37394")}
        kpi_metadata = json.loads(recorded_body("kolada", "/v3/kpi/"))["values"]
        self.kpis = {kpi["id"]: kpi for kpi in kpi_metadata}
        self.divided = {kpi["id"] for kpi in kpi_metadata if kpi["is_divided_by_gender"]}
        self.scb_config = recorded_body("scb", "/config")
        self.scb_max_cells = json.loads(self.scb_config)["maxDataCells"]
        self.scb_metadata = {"TAB4572": recorded_body("scb", "/tables/TAB4572/metadata")}
        self.requests: dict[str, int] = {}
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                self._reply(*server.answer("GET", self.path, b""))

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                self._reply(*server.answer("POST", self.path, self.rfile.read(length)))

            def _reply(self, status: int, body: bytes, content_type: str = "application/json"):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.kolada_url = f"{base}/v3"
        self.scb_url = f"{base}/api/v2"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> "LoopbackSources":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)

    def env(self) -> dict[str, str]:
        return {"KOLADA_BASE_URL": self.kolada_url, "SCB_BASE_URL": self.scb_url}

    def _count(self, kind: str) -> None:
        with self.lock:
            self.requests[kind] = self.requests.get(kind, 0) + 1

    def answer(self, method: str, target: str, body: bytes) -> tuple[int, bytes]:
        parts = urlsplit(target)
        path, query = unquote(parts.path), parse_qs(parts.query)
        if path.startswith("/v3/"):
            return self._kolada(path.removeprefix("/v3/"), query, target)
        if path.startswith("/api/v2/"):
            return self._scb(method, path.removeprefix("/api/v2/"), body)
        return 404, b'{"detail": "Not Found"}'

    def _kolada(self, path: str, query: dict, target: str) -> tuple[int, bytes]:
        segments = path.split("/")
        lists = [segment.split(",") for segment in segments[1:]]
        if any(len(items) > MAX_LIST_ITEMS for items in lists):
            return 400, json.dumps({"detail": f"at most {MAX_LIST_ITEMS} items per list"}).encode()
        if path == "municipality":
            self._count("kolada_municipality")
            return 200, self.municipality_body
        if segments[0] == "municipality_groups" and len(segments) == 2:
            self._count("kolada_group")
            return 200, self.groups.get(segments[1], envelope([]))
        if segments[0] == "kpi" and len(segments) == 2:
            self._count("kolada_kpi")
            return 200, envelope([self.kpis[k] for k in segments[1].split(",") if k in self.kpis])
        if segments[:1] == ["data"] and len(segments) == 7 and segments[1::2] == ["kpi", "municipality", "year"]:
            self._count("kolada_data")
            kpis, municipalities, years = segments[2].split(","), segments[4].split(","), segments[6].split(",")
            objects = kolada_data_page(kpis, municipalities, [int(y) for y in years], self.divided, self.chosen)
            return 200, self._page(objects, query, target)
        return 404, b'{"detail": "Not Found"}'

    def _page(self, objects: list[dict], query: dict, target: str) -> bytes:
        per_page = min(int(query.get("per_page", ["5000"])[0]), self.per_page_limit)
        page = int(query.get("page", ["1"])[0])
        pages = max(math.ceil(len(objects) / per_page), 1)

        def link(number: int) -> str:
            parts = urlsplit(target)
            return f"{self.kolada_url.removesuffix('/v3')}{parts.path}?{urlencode({'page': number, 'per_page': per_page})}"

        return envelope(
            objects[(page - 1) * per_page : page * per_page],
            next_url=link(page + 1) if page < pages else None,
            previous_url=link(page - 1) if page > 1 else None,
        )

    def _scb(self, method: str, path: str, body: bytes) -> tuple[int, bytes]:
        if path == "config":
            self._count("scb_config")
            return 200, self.scb_config
        segments = path.split("/")
        if len(segments) != 3 or segments[0] != "tables" or segments[1] not in self.scb_metadata:
            return 404, b'{"title": "Not found", "status": 404}'
        metadata_body = self.scb_metadata[segments[1]]
        if segments[2] == "metadata":
            self._count("scb_metadata")
            return 200, metadata_body
        if segments[2] == "data" and method == "POST":
            self._count("scb_data")
            selection = {s["variableCode"]: s["valueCodes"] for s in json.loads(body)["selection"]}
            if math.prod(len(codes) for codes in selection.values()) > self.scb_max_cells:
                return 403, b'{"title": "Too many cells selected", "status": 403}'
            answer = scb_data_answer(json.loads(metadata_body), selection)
            return 200, json.dumps(answer, ensure_ascii=False).encode()
        return 404, b'{"title": "Not found", "status": 404}'
