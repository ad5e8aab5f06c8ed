"""The live transport's bounds against a real server on 127.0.0.1: an answer larger than the limit
(announced, streamed without a length, or a gzip bomb) and one that drips in slower than the
whole-body deadline are refused naming the URL and the limit; answers within the bounds pass."""

from __future__ import annotations

import gzip
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from indicator_pipeline.errors import ResponseTooLarge, ResponseTooSlow
from indicator_pipeline.sources.live import LiveTransport
from tests.clock import FakeClock

KiB = 1024


class Server:
    """Answers GET /<name> with the answer registered under that name: (headers, body pieces, pause
    between pieces). Without a Content-Length header the body is sent chunked."""

    def __init__(self):
        self.answers: dict[str, tuple[dict[str, str], list[bytes], float]] = {}
        self.stopping = threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                headers, pieces, pause = outer.answers[self.path.lstrip("/")]
                chunked = "Content-Length" not in headers
                self.send_response(200)
                for name, value in {**headers, **({"Transfer-Encoding": "chunked"} if chunked else {})}.items():
                    self.send_header(name, value)
                self.end_headers()
                try:
                    for piece in pieces:
                        if outer.stopping.wait(pause):
                            return
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
                        self.wfile.flush()
                    if chunked:
                        self.wfile.write(b"0\r\n\r\n")
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.handle_error = lambda request, address: None  # a client that hung up on purpose

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/{name}"


@pytest.fixture
def server() -> Iterator[Server]:
    running = Server()
    threading.Thread(target=running.httpd.serve_forever, daemon=True).start()
    yield running
    running.stopping.set()  # ends any answer still dripping
    running.httpd.shutdown()
    running.httpd.server_close()


def pieces(total: int, size: int) -> list[bytes]:
    return [b"x" * min(size, total - start) for start in range(0, total, size)]


def transport(**limits) -> LiveTransport:
    return LiveTransport(timeout=(2.0, 2.0), **limits)


def test_an_answer_within_the_limits_arrives_whole_chunked_or_not(server):
    server.answers["plain"] = ({"Content-Length": str(300 * KiB)}, pieces(300 * KiB, 64 * KiB), 0.0)
    server.answers["chunked"] = ({}, pieces(300 * KiB, 10 * KiB), 0.0)
    server.answers["gzip"] = ({"Content-Encoding": "gzip", "Content-Length": str(len(gzip.compress(b"y" * 200 * KiB)))},
                              [gzip.compress(b"y" * 200 * KiB)], 0.0)
    live = transport(max_body_bytes=300 * KiB, body_deadline=10)
    assert live.request("kolada", "GET", server.url("plain")).body == b"x" * 300 * KiB
    assert live.request("kolada", "GET", server.url("chunked")).body == b"x" * 300 * KiB
    assert live.request("kolada", "GET", server.url("gzip")).body == b"y" * 200 * KiB  # decoded, as before


@pytest.mark.parametrize(
    "name, headers, body, fragment",
    [
        ("announced", {"Content-Length": str(2 * 1024 * KiB)}, pieces(2 * 1024 * KiB, 64 * KiB),
         "the answer announces 2097152 bytes, more than the 1048576 allowed"),
        ("streamed without a length", {}, pieces(2 * 1024 * KiB, 64 * KiB),
         "the answer is larger than the 1048576 bytes allowed"),
        ("gzip bomb", {"Content-Encoding": "gzip"}, [gzip.compress(bytes(16 * 1024 * KiB))],
         "the answer is larger than the 1048576 bytes allowed"),
    ],
)
def test_an_answer_larger_than_the_limit_is_refused(server, name, headers, body, fragment):
    server.answers["big"] = (headers, body, 0.0)
    with pytest.raises(ResponseTooLarge) as refused:
        transport(max_body_bytes=1024 * KiB).request("scb", "GET", server.url("big"))
    message = str(refused.value)
    assert fragment in message and server.url("big") in message and message.startswith("scb: "), message


@pytest.mark.parametrize("headers", [{"Content-Length": "2000"}, {}], ids=["with length", "chunked"])
def test_an_answer_dripping_slower_than_the_deadline_is_refused(server, headers):
    """A byte every 20 ms never trips the 2 s read timeout; the whole body (40 s at that pace) must come
    within the 1 s deadline, checked after every receive. The transport's clock moves 0.25 s at each
    reading: the deadline is 1.25 s after the first reading, passed at the fifth receive."""
    server.answers["drip"] = (headers, [b"x"] * 2000, 0.02)
    clock = FakeClock(tick=0.25)
    with pytest.raises(ResponseTooSlow) as refused:
        transport(body_deadline=1.0, clock=clock).request("kolada", "GET", server.url("drip"))
    message = str(refused.value)
    assert "the answer did not arrive within 1 s" in message and server.url("drip") in message, message
    assert clock.readings == 1 + 5  # the deadline set, then refused at the first receive past it
    received = int(re.search(r"\((\d+) bytes by then\)", message).group(1))
    assert 5 <= received < 2000  # stopped by the deadline, long before the body's end
