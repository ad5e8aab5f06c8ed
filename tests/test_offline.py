"""The test run is offline: a connection beyond the loopback interface is refused before it is made."""

from __future__ import annotations

import socket

import pytest
import requests


@pytest.mark.parametrize("address", [("192.0.2.1", 80), ("example.com", 443)])  # a never-routed address; a name
def test_a_connection_beyond_loopback_is_refused(address):
    with socket.socket() as sock, pytest.raises(OSError, match="tests are offline"):
        sock.connect(address)
    with socket.socket() as sock, pytest.raises(OSError, match="tests are offline"):
        sock.connect_ex(address)


def test_an_http_client_is_refused_too():
    with pytest.raises(requests.ConnectionError, match="tests are offline"):
        requests.get("http://192.0.2.1/", timeout=2)


def test_loopback_is_allowed():
    with socket.create_server(("127.0.0.1", 0)) as server, socket.create_connection(server.getsockname(), timeout=2) as client:
        peer, _ = server.accept()
        with peer:
            client.sendall(b"ping")
            assert peer.recv(4) == b"ping"


def test_the_report_header_says_what_runs(pytestconfig):
    lines = [line for result in pytestconfig.hook.pytest_report_header(config=pytestconfig, start_path=pytestconfig.rootpath)
             for line in ([result] if isinstance(result, str) else result)]
    (line,) = [line for line in lines if line.startswith("what runs:")]
    assert "offline" in line and "recorded 2026-11-20" in line and "as of 2026-11-20" in line
