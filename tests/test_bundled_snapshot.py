"""The bundled demonstration snapshot stays consistent with its provenance and with the real Kolada catalogue."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from indicator_pipeline.sources.transport import SnapshotDir

BUNDLED = Path(__file__).resolve().parents[1] / "indicator_pipeline" / "snapshots" / "bundled"
# Real source answers recorded by others, copied into the repository (tests/fixtures/conformance/README.md).
CONFORMANCE = Path(__file__).resolve().parent / "fixtures" / "conformance"

KPI_IDS = "N00301,N00610,N00611,N00612,N00614,N01951,N03001,N03002,N03009,N03010,N03102,N03103,N07609,U07451,U07453"
YEARS = ",".join(str(y) for y in range(2015, 2026))
DATA_URL = f"https://api.kolada.se/v3/data/kpi/{KPI_IDS}/municipality/1283/year/{YEARS}?per_page=5000"
# Kolada group G37394 "Liknande kommuner, övergripande, Helsingborg, 2025", with Riket and Region Skåne
PEERS = ["0126", "0136", "0581", "1490", "1880", "1980", "2180"]
PEER_DATA_URL = (
    f"https://api.kolada.se/v3/data/kpi/{KPI_IDS}/municipality/{','.join(['0000', '0012', *PEERS])}/year/{YEARS}?per_page=5000"
)
STATUSES = {"published", "derived", "illustrative", "missing"}
# The second bundled plan's requests (Lund, 1281; Kolada only), in the same snapshot, with their own provenance.
LUND_PROVENANCE = BUNDLED / "provenance-lund_ks_2025.json"
LUND_KPI_IDS = "N01951,N03002,N03009,N03010,N03102,U07451,U07453"
LUND_YEARS = ",".join(str(y) for y in range(2017, 2026))
LUND_DATA_URL = f"https://api.kolada.se/v3/data/kpi/{LUND_KPI_IDS}/municipality/1281/year/{LUND_YEARS}?per_page=5000"
# The city directions' KPIs (helsingborg_inriktningar_2023_2026): asked for alone, and in the folder run
# together with the KS plan's (Helsingborg once, the peers and reference rows once with every plan's KPIs).
DIRECTIONS_KPI_IDS = "N00301,N00310,N00401,N00999,N02267"
FOLDER_KPI_IDS = ",".join(sorted({*KPI_IDS.split(","), *DIRECTIONS_KPI_IDS.split(",")}))  # 19 KPIs


def _data_url(kpi_ids: str, municipalities: list[str]) -> str:
    return f"https://api.kolada.se/v3/data/kpi/{kpi_ids}/municipality/{','.join(municipalities)}/year/{YEARS}?per_page=5000"


HELSINGBORG_DATA_URLS = (DATA_URL, _data_url(FOLDER_KPI_IDS, ["1283"]), _data_url(DIRECTIONS_KPI_IDS, ["1283"]))
SNAPSHOTS = {  # provenance, the data answers it covers, municipality
    "default": (BUNDLED / "provenance.json", HELSINGBORG_DATA_URLS, "1283"),
    "lund": (LUND_PROVENANCE, (LUND_DATA_URL,), "1281"),
}
METADATA = {"default": KPI_IDS, "lund": LUND_KPI_IDS, "directions": DIRECTIONS_KPI_IDS, "folder": FOLDER_KPI_IDS}


def _read(url: str) -> dict:
    fetched = SnapshotDir(BUNDLED).read("kolada", "GET", url, None)
    assert fetched.status == 200
    return fetched.json()


def _assert_envelope(envelope: dict) -> None:
    assert list(envelope) == ["values", "count", "next_url", "previous_url"]
    assert envelope["count"] == len(envelope["values"])
    assert envelope["next_url"] is None and envelope["previous_url"] is None


@pytest.mark.parametrize("snapshot", SNAPSHOTS)
def test_every_data_value_has_exactly_one_matching_provenance_entry(snapshot):
    provenance_path, data_urls, municipality = SNAPSHOTS[snapshot]
    provenance = json.loads(provenance_path.read_text(encoding="utf-8"))

    by_key: dict[tuple, list[dict]] = {}
    for entry in provenance:
        if entry["source"] != "kolada":
            assert entry["source"] == "scb", entry  # checked against the SCB body below
            continue
        assert entry["status"] in STATUSES, entry
        assert entry["reference"], entry
        assert (entry["value"] is None) == (entry["status"] == "missing"), entry
        by_key.setdefault((entry["kpi_id"], entry["year"], entry["gender"]), []).append(entry)

    seen = set()
    for data_url in data_urls:  # every answer for the municipality carries the same value for a KPI, year and gender
        data = _read(data_url)
        _assert_envelope(data)
        for obj in data["values"]:
            assert obj["municipality"] == municipality
            for cell in obj["values"]:
                key = (obj["kpi"], obj["period"], cell["gender"])
                entries = by_key.get(key, [])
                assert len(entries) == 1, f"{key}: {len(entries)} provenance entries"
                assert entries[0]["value"] == cell["value"], f"{key}: body {cell['value']!r} != provenance {entries[0]['value']!r}"
                seen.add(key)
    assert set(by_key) == seen, f"provenance entries with no data value: {sorted(set(by_key) - seen)}"


def test_peer_answers_cover_the_group_and_are_missing_where_helsingborg_is():
    municipalities = {m["id"]: m for m in _read("https://api.kolada.se/v3/municipality?per_page=5000")["values"]}
    assert len(municipalities) == 312 and sum(m["type"] == "K" for m in municipalities.values()) == 290
    (group,) = _read("https://api.kolada.se/v3/municipality_groups/G37394?per_page=5000")["values"]
    assert group["title"] == "Liknande kommuner, övergripande, Helsingborg, 2025"
    assert sorted(m["member_id"] for m in group["members"]) == PEERS
    own = {(o["kpi"], o["period"], v["gender"]): v["value"] for o in _read(DATA_URL)["values"] for v in o["values"]}
    peers = _read(PEER_DATA_URL)
    _assert_envelope(peers)
    assert {o["municipality"] for o in peers["values"]} == {"0000", "0012", *PEERS}
    for obj in peers["values"]:
        for cell in obj["values"]:
            assert (cell["value"] is None) == (own[(obj["kpi"], obj["period"], cell["gender"])] is None), obj


def test_the_folder_runs_answers_extend_the_plans_own_with_the_same_values():
    """The folder run asks with the KS plan's and the directions' KPIs together: its answers hold the KS
    plan's answers unchanged, and the directions' values as the directions plan alone gets them."""
    references = ["0000", "0012"]
    for ks_url, directions_url, folder_url in (
        (DATA_URL, _data_url(DIRECTIONS_KPI_IDS, ["1283"]), _data_url(FOLDER_KPI_IDS, ["1283"])),
        (PEER_DATA_URL, _data_url(DIRECTIONS_KPI_IDS, references), _data_url(FOLDER_KPI_IDS, ["0000", "0012", *PEERS])),
    ):
        folder = _read(folder_url)
        _assert_envelope(folder)
        ks, directions = _read(ks_url)["values"], _read(directions_url)["values"]
        assert [o for o in folder["values"] if o["kpi"] in KPI_IDS.split(",")] == ks
        assert [o for o in folder["values"] if o["kpi"] in DIRECTIONS_KPI_IDS.split(",") and o["municipality"] in ("1283", *references)] == [
            o for o in sorted(directions, key=lambda o: (o["kpi"], o["municipality"], o["period"]))
        ]


@pytest.mark.parametrize("run", METADATA)
def test_metadata_objects_equal_the_real_catalogue(run):
    kpi_ids = METADATA[run]
    catalogue_path = CONFORMANCE / "kolada" / "kpi_catalogue_plan_subset.json"
    metadata = _read(f"https://api.kolada.se/v3/kpi/{kpi_ids}?per_page=5000")
    _assert_envelope(metadata)
    assert [kpi["id"] for kpi in metadata["values"]] == kpi_ids.split(",")
    catalogue = {kpi["id"]: kpi for kpi in json.loads(catalogue_path.read_text(encoding="utf-8"))}
    for kpi in metadata["values"]:
        real = catalogue[kpi["id"]]
        assert kpi == real, kpi["id"]
        assert list(kpi) == list(real), f"{kpi['id']}: field order differs"


def test_bundled_snapshot_is_small():
    size = sum(p.stat().st_size for p in BUNDLED.rglob("*") if p.is_file())
    assert size < 3 * 1024 * 1024, f"bundled snapshot is {size} bytes"


# --- SCB (TAB4572) -------------------------------------------------------------------------------

SCB_BASE = "https://statistikdatabasen.scb.se/api/v2"
SCB_METADATA_URL = f"{SCB_BASE}/tables/TAB4572/metadata?lang=en"
SCB_DATA_URL = f"{SCB_BASE}/tables/TAB4572/data?lang=en&outputFormat=json-stat2"
DATASET_KEYS = ["version", "class", "label", "source", "updated", "note", "role", "id", "size", "dimension", "extension", "value"]


def _scb_meta(method: str) -> list[dict]:
    return [
        json.loads(p.read_text(encoding="utf-8"))
        for p in sorted((BUNDLED / "scb").glob(f"{method}-*.meta.json"))
    ]


def _scb_read(method: str, url: str, request_body: str | None = None):
    fetched = SnapshotDir(BUNDLED).read("scb", method, url, request_body.encode() if request_body else None)
    assert fetched.status == 200
    return fetched


def test_scb_recorded_requests_are_exactly_config_metadata_and_two_data_queries():
    urls = sorted((m["method"], m["url"]) for m in _scb_meta("GET") + _scb_meta("POST"))
    assert urls == [
        ("GET", f"{SCB_BASE}/config"),
        ("GET", SCB_METADATA_URL),
        ("POST", SCB_DATA_URL),  # the plan's own municipality
        ("POST", SCB_DATA_URL),  # its peers and the reference rows
    ]


def _own_post() -> dict:
    """The data query for the plan's own municipality (the peers' query is another recording)."""
    (post,) = [m for m in _scb_meta("POST") if json.loads(m["request_body"])["selection"][0]["valueCodes"] == ["1283"]]
    return post


def test_scb_config_is_the_real_conformance_config():
    body = _scb_read("GET", f"{SCB_BASE}/config").body
    assert body == (CONFORMANCE / "scb" / "config.json").read_bytes()


def test_scb_metadata_answer_is_the_real_tab4572_metadata():
    """SCB's own English TAB4572 metadata, byte for byte: the bundled snapshot invents none of the table's shape."""
    body = _scb_read("GET", SCB_METADATA_URL).body
    assert body == (CONFORMANCE / "scb" / "TAB4572_metadata_en.json").read_bytes()
    metadata = json.loads(body)
    assert (metadata["id"], metadata["size"]) == (["Region", "Hustyp", "ContentsCode", "Tid"], [312, 2, 2, 206])
    assert list(metadata["dimension"]["Hustyp"]["category"]["index"].items()) == [("FLERBO", 0), ("SMÅHUS", 1)]
    assert list(metadata["dimension"]["ContentsCode"]["category"]["index"]) == ["BO0101A4", "BO0101A3"]
    assert metadata["extension"]["px"]["language"] == "en" and metadata["updated"] == "2026-08-24T06:00:00Z"


def test_scb_data_answer_is_what_scb_would_send_for_the_clients_selection():
    metadata = _scb_read("GET", SCB_METADATA_URL).json()
    post = _own_post()
    assert post["url"] == SCB_DATA_URL
    selection = {s["variableCode"]: s["valueCodes"] for s in json.loads(post["request_body"])["selection"]}
    all_quarters = list(metadata["dimension"]["Tid"]["category"]["index"])
    assert selection == {
        "Region": ["1283"],
        "Hustyp": ["FLERBO", "SMÅHUS"],  # the metadata's order
        "ContentsCode": ["BO0101A4"],  # starts only; completions BO0101A3 are not asked for
        "Tid": all_quarters[all_quarters.index("2015K1"):],  # the plan's first_year 2015 to the metadata's last
    }
    assert selection["Tid"][-1] == all_quarters[-1] == "2026K2" and len(selection["Tid"]) == 46
    data = _scb_read("POST", post["url"], post["request_body"]).json()
    assert data["id"] == metadata["id"] and data["size"] == [len(codes) for codes in selection.values()]
    for dim, codes in selection.items():
        category = data["dimension"][dim]["category"]
        assert category["index"] == {code: i for i, code in enumerate(codes)}, dim
        assert category["label"] == {code: metadata["dimension"][dim]["category"]["label"][code] for code in codes}, dim
    assert (data["source"], data["updated"], data["note"]) == (metadata["source"], metadata["updated"], metadata["note"])


def test_scb_answers_have_the_real_json_stat2_key_order():
    metadata = _scb_read("GET", SCB_METADATA_URL).json()
    assert list(metadata) == DATASET_KEYS and metadata["value"] == []
    post = _own_post()
    data = _scb_read("POST", post["url"], post["request_body"]).json()
    assert list(data) == [*DATASET_KEYS, "status"]
    real_doc = json.loads((CONFORMANCE / "scb" / "TAB6471_data.json").read_text(encoding="utf-8"))
    assert list(data)[:-1] == list(real_doc)
    assert list(data["extension"]) == list(real_doc["extension"])


def test_every_scb_data_cell_has_exactly_one_matching_provenance_entry():
    post = _own_post()
    data = _scb_read("POST", post["url"], post["request_body"]).json()
    provenance = [e for e in json.loads((BUNDLED / "provenance.json").read_text(encoding="utf-8")) if e["source"] == "scb"]
    by_key: dict[tuple, list[dict]] = {}
    for entry in provenance:
        assert entry["status"] in {"illustrative", "missing"}, entry
        assert entry["reference"], entry
        assert (entry["value"] is None) == (entry["status"] == "missing"), entry
        key = (entry["table_id"], entry["region"], tuple(sorted(entry["selection"].items())), entry["period"])
        by_key.setdefault(key, []).append(entry)

    assert data["id"] == ["Region", "Hustyp", "ContentsCode", "Tid"]
    codes = [list(data["dimension"][dim]["category"]["index"]) for dim in data["id"]]
    cells = [(r, h, c, t) for r in codes[0] for h in codes[1] for c in codes[2] for t in codes[3]]  # row-major
    assert len(cells) == len(data["value"])
    seen = set()
    for i, ((region, hustyp, contents, period), value) in enumerate(zip(cells, data["value"])):
        key = ("TAB4572", region, (("ContentsCode", contents), ("Hustyp", hustyp)), period)
        entries = by_key.get(key, [])
        assert len(entries) == 1, f"{key}: {len(entries)} provenance entries"
        assert entries[0]["value"] == value, f"{key}: body {value!r} != provenance {entries[0]['value']!r}"
        assert (value is None) == (str(i) in data.get("status", {})), f"{key}: a null needs a status symbol"
        seen.add(key)
    assert set(by_key) == seen, f"provenance entries with no data cell: {sorted(set(by_key) - seen)}"

