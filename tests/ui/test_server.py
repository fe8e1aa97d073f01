"""The one app: CORS allow-list, Origin guard, CSP, widget bundle, embed page (real server, httpx)."""
from __future__ import annotations

import re

import httpx
import pytest

from ui.server import normalise_origin

pytestmark = pytest.mark.slow


def test_normalise_origin():
    assert normalise_origin("HTTP://Example.com:80/") == "http://example.com"
    assert normalise_origin("https://a.b:8443") == "https://a.b:8443"
    for bad in ("null", "example.com", "ftp://x", "http://x/path", "http://x?q=1"):
        with pytest.raises(ValueError):
            normalise_origin(bad)


def test_allowed_origin_gets_cors_headers(app):
    origin = app.hosts.allowed
    pre = httpx.options(app.url("/api/ask"), headers={"Origin": origin, "Access-Control-Request-Method": "POST",
                                                      "Access-Control-Request-Headers": "content-type"}, timeout=10)
    assert pre.status_code == 200
    assert pre.headers["access-control-allow-origin"] == origin
    r = httpx.post(app.url("/api/ask"), json={"question": "How many schools remained closed?"},
                   headers={"Origin": origin}, timeout=60)
    assert r.status_code == 200 and r.headers["access-control-allow-origin"] == origin
    js = httpx.get(app.url("/widget/gradio.js"), headers={"Origin": origin}, timeout=10)
    assert js.status_code == 200 and js.headers["access-control-allow-origin"] == origin


@pytest.mark.parametrize("path", ["/api/ask", "/chat/config", "/widget/gradio.js", "/chat/gradio_api/info"])
def test_other_origins_are_refused(app, path):
    for origin in (app.hosts.refused, "http://evil.example", "null"):
        r = httpx.request("POST" if path == "/api/ask" else "GET", app.url(path), headers={"Origin": origin},
                          json={"question": "x"} if path == "/api/ask" else None, timeout=10)
        assert r.status_code == 403, (path, origin)
        assert "access-control-allow-origin" not in r.headers


def test_gradio_does_not_echo_origins_when_reached_by_hostname(app):
    """Measured: by a hostname, Gradio 6 echoes any Origin with credentials. Ours is the allow-list."""
    r = httpx.get(app.url("/chat/config"), headers={"Origin": "http://evil.example", "Host": "reportqa.example"},
                  timeout=10)
    assert r.status_code == 403 and "access-control-allow-origin" not in r.headers


def test_same_origin_and_no_origin_pass(app):
    assert httpx.get(app.url("/chat/config"), timeout=10).status_code == 200
    assert httpx.get(app.url("/chat/config"), headers={"Origin": app.base}, timeout=10).status_code == 200


def test_csp_allows_only_self(app):
    r = httpx.get(app.url("/chat/"), headers={"Accept": "text/html"}, timeout=10)
    assert r.status_code == 200
    csp = r.headers["content-security-policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["connect-src"] == "'self'"
    assert "unsafe-inline" not in directives["script-src"] and "unsafe-eval" not in directives["script-src"]
    assert re.fullmatch(r"'self'( 'sha256-[A-Za-z0-9+/=]+')+", directives["script-src"])
    assert directives["frame-ancestors"] == f"'self' {app.hosts.allowed}"
    assert directives["object-src"] == "'none'"
    assert "http" not in directives["img-src"]
    assert r.headers["x-content-type-options"] == "nosniff"


def test_no_external_fonts_or_cdn_in_the_page(app):
    html = httpx.get(app.url("/chat/"), timeout=10).text
    theme = httpx.get(app.url("/chat/theme.css"), timeout=10).text
    for text in (html, theme):
        assert "fonts.googleapis" not in text and "fonts.gstatic" not in text
    assert "@import" not in theme


def test_widget_bundle_is_the_installed_one(app):
    import gradio

    js = httpx.get(app.url("/widget/gradio.js"), timeout=10)
    assert js.status_code == 200 and "javascript" in js.headers["content-type"]
    entry = re.search(r'import\("\./(assets/[^"]+)"\)', js.text).group(1)
    for prefix in ("/widget/", "/"):
        chunk = httpx.get(app.url(prefix + entry), timeout=10)
        assert chunk.status_code == 200, prefix
    version = httpx.get(app.url("/chat/config"), timeout=10).json()["version"]
    assert version == gradio.__version__


def test_embed_page_has_copyable_snippets(app):
    r = httpx.get(app.url("/embed"), timeout=10)
    assert r.status_code == 200
    assert f"&lt;script type=&quot;module&quot; src=&quot;{app.base}/widget/gradio.js&quot;&gt;" in r.text
    assert f"&lt;gradio-app src=&quot;{app.base}/chat/&quot;&gt;&lt;/gradio-app&gt;" in r.text
    assert "&lt;iframe src=" in r.text
    assert app.hosts.allowed in r.text


def test_no_cdn_docs_pages(app):
    """FastAPI's /docs and /redoc load their scripts from a CDN: not served; the schema is /openapi.json."""
    assert httpx.get(app.url("/docs"), timeout=10).status_code == 404
    assert httpx.get(app.url("/redoc"), timeout=10).status_code == 404
    assert httpx.get(app.url("/openapi.json"), timeout=10).status_code == 200


def test_offline_settings_are_set_before_gradio_loads():
    """Measured: otherwise Gradio and gradio_client phone home in the background."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {k: v for k, v in os.environ.items() if k not in ("GRADIO_ANALYTICS_ENABLED", "HF_HUB_OFFLINE")}
    code = ("import ui.server, os, gradio.analytics as a; "
            "print(os.environ['GRADIO_ANALYTICS_ENABLED'], os.environ['HF_HUB_OFFLINE'], a.analytics_enabled())")
    out = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parents[2], env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "1", "False"]


def test_bad_allow_origin_is_a_one_line_usage_error():
    import subprocess
    import sys
    from pathlib import Path

    out = subprocess.run([sys.executable, "-m", "ui.cli", "serve", "--allow-origin", "example.com"],
                         cwd=Path(__file__).resolve().parents[2], capture_output=True, text=True, timeout=120)
    assert out.returncode == 2
    assert out.stderr.strip().count("\n") == 0 and "--allow-origin" in out.stderr
