"""`reportqa serve --trust-proxy N`: behind a reverse proxy, the rate limit is per forwarded client
(X-Forwarded-For, N hops from the right), not one bucket for the proxy; off by default, where a forged
X-Forwarded-For changes nothing. Real servers on loopback (tests/ui/conftest.py ``serve_helpers``):
the test plays the proxy, which appends the client's address to X-Forwarded-For."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from eval import robustness
from ui.guard import RequestGuard, forwarded_client

ROOT = Path(__file__).resolve().parents[2]
RATE = "2/min"  # two requests per client, then one more every 30 s
QUESTION = {"question": "How many schools remained closed?"}
CHEAP = {"question": ""}  # 400 at once: costs nothing to answer, but counts against the limit
CLIENT_A, CLIENT_B, FORGED = "198.51.100.1", "198.51.100.2", "203.0.113.9"


@pytest.fixture(scope="module")
def proxied(tmp_path_factory, ui_cache_dir, serve_helpers):
    """Two servers with ``--rate-limit 2/min``: ``trusted`` with ``--trust-proxy 1``, ``plain`` without."""
    h = serve_helpers
    tmp = tmp_path_factory.mktemp("proxy")
    # One after the other: the first builds the session's index, the second reuses it.
    trusted = h.wait_ready(h.start_server(tmp, ui_cache_dir, h.free_port(), "--rate-limit", RATE,
                                          "--trust-proxy", "1"))
    try:
        plain = h.wait_ready(h.start_server(tmp, ui_cache_dir, h.free_port(), "--rate-limit", RATE))
        try:
            yield trusted, plain
        finally:
            h.stop(plain)
    finally:
        h.stop(trusted)


def ask(client: httpx.Client, server, body: dict, forwarded: str | None = None) -> httpx.Response:
    headers = {} if forwarded is None else {"X-Forwarded-For": forwarded}
    return client.post(server.url("/api/ask"), json=body, headers=headers)


def assert_limited(r: httpx.Response) -> None:
    assert r.status_code == 429, (r.status_code, r.text[:200])
    assert r.json()["detail"].startswith("too many requests") and int(r.headers["retry-after"]) >= 1


@pytest.mark.slow
def test_trusted_proxy_gives_each_forwarded_client_its_own_bucket(proxied):
    server = proxied[0]
    with httpx.Client(timeout=120) as c:
        # Client A: its two requests, then 429 -- on the API and on the chat's Gradio endpoint alike.
        assert [ask(c, server, CHEAP, CLIENT_A).status_code for _ in range(2)] == [400, 400]
        assert_limited(ask(c, server, CHEAP, CLIENT_A))
        g = c.post(server.url("/chat/gradio_api/call/chat"), json={"data": ["hi", []]},
                   headers={"X-Forwarded-For": CLIENT_A})
        assert g.status_code == 429
        # A forged address on the left is not what the proxy appended: still client A.
        assert_limited(ask(c, server, CHEAP, f"{FORGED}, {CLIENT_A}"))
        # Client B, through the same proxy (same socket address): its own two requests, answered.
        r = ask(c, server, QUESTION, CLIENT_B)
        assert r.status_code == 200 and "1,657 schools" in r.json()["answer"]
        assert ask(c, server, CHEAP, CLIENT_B).status_code == 400
        assert_limited(ask(c, server, CHEAP, CLIENT_B))
        # No header, or one that is not an address: the socket address's own bucket.
        assert ask(c, server, CHEAP).status_code == 400
        assert ask(c, server, CHEAP, "not-an-address").status_code == 400
        assert_limited(ask(c, server, CHEAP, "unknown, ,"))
    robustness.tried("security: rate limit per forwarded client (--trust-proxy 1)", "429 per client")


@pytest.mark.slow
def test_without_trust_proxy_a_forged_header_does_not_escape_the_limit(proxied):
    server = proxied[1]
    with httpx.Client(timeout=120) as c:
        assert ask(c, server, CHEAP, "198.51.100.11").status_code == 400
        assert ask(c, server, CHEAP, "198.51.100.12").status_code == 400
        assert_limited(ask(c, server, CHEAP, "198.51.100.13"))
        assert_limited(ask(c, server, QUESTION, f"{FORGED}, 198.51.100.14"))
        assert_limited(ask(c, server, QUESTION))
    robustness.tried("security: forged X-Forwarded-For without --trust-proxy", "429")


def test_forwarded_client_picks_n_hops_from_the_right():
    assert forwarded_client([b"198.51.100.1"], 1) == "198.51.100.1"
    assert forwarded_client([b"6.6.6.6, 198.51.100.1 , 10.0.0.2"], 1) == "10.0.0.2"
    assert forwarded_client([b"6.6.6.6, 198.51.100.1 , 10.0.0.2"], 2) == "198.51.100.1"
    assert forwarded_client([b"6.6.6.6", b"198.51.100.1"], 1) == "198.51.100.1"  # two headers: one list
    assert forwarded_client([b"198.51.100.1:4711"], 1) == "198.51.100.1"
    assert forwarded_client([b"[2001:DB8:0::1]:443"], 1) == forwarded_client([b"2001:db8::1"], 1) == "2001:db8::1"
    for bad in ([], [b""], [b"unknown"], [b"198.51.100.1, garbage"], [b"999.1.1.1"], [b"198.51.100.1,"]):
        assert forwarded_client(bad, 1) is None, bad
    assert forwarded_client([b"198.51.100.1"], 2) is None  # shorter than the proxy chain
    assert forwarded_client([b"junk, 198.51.100.1, 10.0.0.2"], 2) == "198.51.100.1"  # left of it: not read
    assert forwarded_client([b"198.51.100.1"], 0) is None


def test_client_key_uses_the_header_only_when_trusted():
    scope = {"client": ("10.0.0.1", 5000), "headers": [(b"X-Forwarded-For", b"198.51.100.1")]}
    assert RequestGuard(lambda *a: None).client_key(scope) == "10.0.0.1"
    assert RequestGuard(lambda *a: None, trust_proxy=1).client_key(scope) == "198.51.100.1"
    assert RequestGuard(lambda *a: None, trust_proxy=2).client_key(scope) == "10.0.0.1"  # too short: socket
    assert RequestGuard(lambda *a: None, trust_proxy=1).client_key({"client": None, "headers": []}) == "?"


def test_trust_proxy_in_help_and_bad_values_are_usage_errors():
    out = subprocess.run([sys.executable, "-m", "ui.cli", "serve", "--help"], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and "--trust-proxy N" in out.stdout and "X-Forwarded-For" in out.stdout
    out = subprocess.run([sys.executable, "-m", "ui.cli", "serve", "--trust-proxy", "-1"], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 2
    assert out.stderr.strip().count("\n") == 0 and "--trust-proxy" in out.stderr
