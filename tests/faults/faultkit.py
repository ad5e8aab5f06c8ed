"""Fault injection kit: a scriptable stand-in for Kolada and SCB on 127.0.0.1, and warehouse helpers.

`SourceServer` answers every request recorded in a snapshot directory (matched on method, path,
query and request body, whatever host the recording was made against), unless a test scripted a
fault for the request's path. Faults are real HTTP misbehaviour on a real socket: statuses, bodies
that are cut short, not JSON or too large, redirect loops, answers that never come or only drip.
"""

from __future__ import annotations

import hashlib
import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import duckdb
from snapshot_files import own_kolada_data

BUNDLED = Path(__file__).resolve().parents[2] / "indicator_pipeline" / "snapshots" / "bundled"


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    hang: bool = False  # accept the request and never answer
    delay: float = 0.0  # answer, but only after this many seconds
    cut_after: int | None = None  # announce the full length, send this many bytes, close
    drip: float = 0.0  # send the body one byte at a time, this many seconds apart


# A fault: given (path with query, recorded answer or None, server base URL) -> the answer to send.
Fault = Callable[[str, "Answer | None", str], Answer]


class SourceServer:
    def __init__(self, snapshot: Path = BUNDLED):
        self.recorded: dict[tuple[str, str, bytes], Answer] = {}
        for meta_path in snapshot.glob("*/*.meta.json"):
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            parts = urlsplit(meta["url"])
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            body = meta_path.with_name(meta_path.name.removesuffix(".meta.json") + ".body").read_bytes()
            request_body = (meta.get("request_body") or "").encode()
            content_type = next((v for k, v in meta["headers"].items() if k.lower() == "content-type"), "application/json")
            self.recorded[(meta["method"], target, request_body)] = Answer(meta["status"], body, {"Content-Type": content_type})
        self.faults: list[tuple[str, Fault]] = []
        self.requests: list[str] = []
        self.requested = threading.Event()
        self.stopping = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                self._answer(b"")

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                self._answer(self.rfile.read(length))

            def _drip(self, body: bytes, interval: float):
                for byte in body:
                    if server.stopping.wait(interval):
                        return
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()

            def _answer(self, request_body: bytes):
                server.requests.append(f"{self.command} {self.path}")
                server.requested.set()
                recorded = server.recorded.get((self.command, self.path, request_body))
                answer = recorded
                for prefix, fault in server.faults:
                    if self.path.startswith(prefix):
                        answer = fault(self.path, recorded, server.url)
                        break
                if answer is None:
                    answer = Answer(404, b'{"error": "not recorded"}', {"Content-Type": "application/json"})
                if answer.hang:
                    server.stopping.wait(120)
                    self.close_connection = True
                    return
                if answer.delay:
                    server.stopping.wait(answer.delay)
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.body)))
                if answer.cut_after is not None:
                    self.send_header("Connection", "close")
                self.end_headers()
                try:
                    if answer.drip:
                        self._drip(answer.body, answer.drip)
                    else:
                        self.wfile.write(answer.body if answer.cut_after is None else answer.body[: answer.cut_after])
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):  # the client gave up on the answer
                    self.close_connection = True
                    return
                if answer.cut_after is not None:
                    self.close_connection = True

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def fault(self, path_prefix: str, fault: Fault) -> None:
        self.faults.append((path_prefix, fault))

    def __enter__(self) -> "SourceServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


class Blackhole:
    """A listening socket whose accept queue is full, so that a new connect() is never answered."""

    def __init__(self):
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(0)
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.fillers: list[socket.socket] = []
        for _ in range(8):  # fill the backlog; once full, connects block (SYNs dropped)
            filler = socket.socket()
            filler.setblocking(False)
            try:
                filler.connect(self.listener.getsockname())
            except BlockingIOError:
                pass
            self.fillers.append(filler)
        time.sleep(0.05)

    def close(self) -> None:
        for s in [*self.fillers, self.listener]:
            s.close()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def open_read_only(path: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(path), read_only=True)


def fact_value(con: duckdb.DuckDBPyConnection, kpi: str, year: int) -> float | None:
    (row,) = con.execute(
        "SELECT DISTINCT value FROM core.fact_indicator_value f JOIN core.dim_indicator i USING (indicator_id)"
        " WHERE i.source_id = ? AND f.year = ? AND f.municipality_code = '1283'",
        [kpi, year],
    ).fetchall()
    return row[0]


def edit_snapshot_value(snapshot: Path, kpi: str, year: int, new_value: float | str, retrieved_at: str,
                        field: str = "value") -> float | str:
    """Change Kolada's gender-T value (or another `field` of it, such as its `status`) of `kpi`/`year` in a
    snapshot copy and stamp a later retrieval time.

    Returns the old value. The body's sha256 in .meta.json is updated so the copy stays consistent.
    """
    body_path = own_kolada_data(snapshot)
    body = json.loads(body_path.read_bytes())
    old = None
    for obj in body["values"]:
        if obj["kpi"] == kpi and obj["period"] == year:
            for cell in obj["values"]:
                if cell["gender"] == "T":
                    old, cell[field] = cell[field], new_value
    assert old is not None, f"no {kpi} {year} value in {body_path}"
    raw = json.dumps(body, ensure_ascii=False).encode()
    body_path.write_bytes(raw)
    meta_path = body_path.with_name(body_path.name.removesuffix(".body") + ".meta.json")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta.update(retrieved_at=retrieved_at, sha256=hashlib.sha256(raw).hexdigest())
    meta["headers"]["Content-Length"] = str(len(raw))
    meta_path.write_text(json.dumps(meta, indent=2), encoding="utf-8")
    return old


def hold_in_another_process(serving: Path, **details) -> subprocess.Popen:
    """A process that takes the kernel lock for real, rewrites the details with `details`, and waits."""
    code = (
        "import json, sys, time; from pathlib import Path; from indicator_pipeline.warehouse.lock import RefreshLock\n"
        f"lock = RefreshLock.for_warehouse(Path({str(serving)!r}), 'cli-run'); lock.acquire()\n"
        f"extra = json.loads({json.dumps(json.dumps(details))})\n"
        "if extra: lock.path.write_text(json.dumps({**json.loads(lock.path.read_text()), **extra}))\n"
        "print('held', flush=True); time.sleep(60)"
    )
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    return holder
