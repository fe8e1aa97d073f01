"""CORS allow-list and preflights, optional API key (constant time), per-client rate limit, and no
request-derived path outside the cache (real servers on loopback; see tests/ui/conftest.py)."""
from __future__ import annotations

import hmac
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eval import robustness
from index.collection import doc_key_for
from qa import Config
from qa.assistant import index_dir_for
from ui.guard import RequestGuard, TokenBuckets, parse_rate


ROOT = Path(__file__).resolve().parents[2]
QUESTION = {"question": "How many schools remained closed?"}
API_KEY, RATE_PER_MIN = "test-key-0123456789", 20  # as tests/ui/conftest.py starts guarded_app


def preflight(app, origin: str) -> httpx.Response:
    return httpx.options(app.url("/api/ask"), headers={"Origin": origin, "Access-Control-Request-Method": "POST",
                                                       "Access-Control-Request-Headers": "content-type,authorization"},
                         timeout=10)


@pytest.mark.slow
def test_preflight_only_for_allow_listed_origins(app):
    ok = preflight(app, app.hosts.allowed)
    assert ok.status_code == 200 and ok.headers["access-control-allow-origin"] == app.hosts.allowed
    for origin in (app.hosts.refused, "http://evil.example", "null", "http://127.0.0.1.evil.example",
                   app.hosts.allowed + ".evil.example", app.hosts.allowed.replace("http:", "https:")):
        r = preflight(app, origin)
        assert r.status_code == 403, origin
        assert "access-control-allow-origin" not in r.headers
        assert "access-control-allow-methods" not in r.headers
        robustness.tried("security: CORS preflight from a disallowed origin", "403")


@pytest.mark.slow
def test_api_key_is_required_on_ask(guarded_app):
    url = guarded_app.url("/api/ask")
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"X-API-Key": API_KEY[:-1]},
                    {"Authorization": API_KEY}, {"Authorization": "Bearer " + API_KEY + "x"}):
        r = httpx.post(url, json=QUESTION, headers=headers, timeout=60)
        assert r.status_code == 401, headers
        assert r.json()["detail"].startswith("missing or wrong API key")
        assert r.headers["www-authenticate"].startswith("Bearer")
        robustness.tried("security: /api/ask without the right key", "401")
    r = httpx.post(url, json=QUESTION, headers={"Authorization": f"Bearer {API_KEY}"}, timeout=60)
    assert r.status_code == 200 and not r.json()["abstained"]
    r = httpx.post(url, json=QUESTION, headers={"X-API-Key": API_KEY}, timeout=60)
    assert r.status_code == 200
    assert httpx.get(guarded_app.url("/api/health"), timeout=10).status_code == 200  # health needs no key


@pytest.mark.slow
def test_refusals_carry_cors_headers_for_allowed_pages(guarded_app):
    """An allowed page can read why it was refused (401/429 go through the CORS layer)."""
    r = httpx.post(guarded_app.url("/api/ask"), json=QUESTION, headers={"Origin": guarded_app.hosts.allowed},
                   timeout=30)
    assert r.status_code == 401
    assert r.headers["access-control-allow-origin"] == guarded_app.hosts.allowed


def test_key_comparison_is_constant_time(monkeypatch):
    calls = []
    real = hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr("ui.guard.hmac.compare_digest", spy)
    guard = RequestGuard(lambda *a: None, api_key="s3cret")
    assert guard._key_ok({"authorization": b"Bearer s3cret"})
    assert not guard._key_ok({"x-api-key": b"s3cre"})
    assert not guard._key_ok({})
    assert calls == [(b"s3cret", b"s3cret"), (b"s3cre", b"s3cret"), (b"", b"s3cret")]


def test_parse_rate_and_buckets():
    assert parse_rate("30/min") == (30, 60.0)
    assert parse_rate(" 5 / s ") == (5, 1.0)
    assert parse_rate("100/hour") == (100, 3600.0)
    for bad in ("", "0/min", "x/min", "30", "30/fortnight", "-1/s"):
        with pytest.raises(ValueError):
            parse_rate(bad)
    b = TokenBuckets(3, 60.0)
    assert [b.take("a", now=0.0) for _ in range(3)] == [0, 0, 0]
    assert b.take("a", now=0.0) == pytest.approx(20.0)  # one token per 20 s
    assert b.take("b", now=0.0) == 0  # per client
    assert b.take("a", now=21.0) == 0


def test_bad_rate_limit_is_a_one_line_usage_error():
    out = subprocess.run([sys.executable, "-m", "ui.cli", "serve", "--rate-limit", "lots"], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 2
    assert out.stderr.strip().count("\n") == 0 and "--rate-limit" in out.stderr


@given(st.text(min_size=1, max_size=80))
@settings(max_examples=200, deadline=None)
def test_document_names_never_leave_the_cache(name):
    """Cache paths built from a document's name stay inside the cache directory ('../', '/', NUL ...)."""
    cache = Path("/tmp/reportqa-cache-root")
    d = index_dir_for(Config(cache_dir=cache), "0" * 64)
    d = index_dir_for(Config(document=Path(name.replace("\x00", "")) if name.strip("\x00") else Path("x"),
                             cache_dir=cache), "0" * 64)
    assert d.parent == cache and ".." not in d.name.split("-")[0].split("/") and "/" not in d.name
    key = doc_key_for(Path(name.replace("\x00", "") or "x"), set())
    assert key and "/" not in key and ".." not in key and (cache / key).parent == cache
    robustness.tried("security: document names used for cache paths ('../', '/', ...)", "inside the cache")


@pytest.mark.slow
def test_rate_limit_gives_a_clear_429(guarded_app):
    """Last in this module: it drains this client's bucket."""
    url, auth = guarded_app.url("/api/ask"), {"Authorization": f"Bearer {API_KEY}"}
    codes = []
    with httpx.Client(timeout=30) as client:
        for _ in range(RATE_PER_MIN + 10):
            r = client.post(url, json={"question": ""}, headers=auth)  # 400 at once: cheap, but counted
            codes.append(r.status_code)
            if r.status_code == 429:
                limited = r
    assert 429 in codes and codes[0] == 400
    assert codes.count(400) <= RATE_PER_MIN + 2
    assert limited.json()["detail"].startswith("too many requests")
    assert int(limited.headers["retry-after"]) >= 1
    robustness.tried("security: over the rate limit", "429", codes.count(429))
    # the Gradio endpoint shares the client's budget; health is never limited. Two calls in a row:
    # on a slow machine the bucket may have refilled one request's worth since the loop ended.
    gradio = [httpx.post(guarded_app.url("/chat/gradio_api/call/chat"), json={"data": ["hi", []]}, timeout=10).status_code
              for _ in range(2)]
    assert 429 in gradio, gradio
    assert httpx.get(guarded_app.url("/api/health"), timeout=10).status_code == 200
