"""Real servers for the ui tests: `reportqa serve` subprocesses on free loopback ports, shared per session.

- ``app``: the bundled report, with one host origin on the allow-list (``hosts.allowed``) and one not
  (``hosts.refused``); both host pages are served by small static servers in this process.
- ``xss_app``: a tiny document whose passage carries HTML/Markdown payloads (started on first use).
- ``collection_app``: a two-document collection (the report and Freedonia), chat with a document picker.
- ``browser``: Debian's Chromium through Playwright (skips only when /usr/bin/chromium is absent).

Indexes go to the session cache dir of tests/conftest.py (``cache_dir``), shared with the in-process
``assistant`` fixture, so the report is indexed once per session.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
START_TIMEOUT_S = 240

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ.setdefault("HF_HUB_OFFLINE", "1")

# Markup a document or a user might carry; PORT is the app's own port, so that the Content-Security-
# Policy (which allows 'self') cannot hide a failure to escape: only escaping keeps the leak URL quiet.
XSS_PAYLOAD = "<img src=x onerror=alert(1)> <script>alert(2)</script> ![](http://127.0.0.1:{port}/leak)"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    base: str
    port: int
    feedback: Path
    proc: subprocess.Popen
    log: Path
    cache: Path
    hosts: "Hosts | None" = None

    def url(self, path: str) -> str:
        return self.base + path


@dataclass
class Hosts:
    allowed: str  # origin on the allow-list, serving host pages
    refused: str  # origin not on it
    servers: list = field(default_factory=list)


def start_server(tmp: Path, cache: Path, port: int, *extra: str) -> Server:
    log = tmp / f"serve-{port}.log"
    feedback = tmp / f"feedback-{port}.jsonl"
    env = {**os.environ, "REPORTQA_CACHE": str(cache), "PYTHONUNBUFFERED": "1"}
    cmd = [sys.executable, "-m", "ui.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
           "--feedback-log", str(feedback), *extra]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    return Server(f"http://127.0.0.1:{port}", port, feedback, proc, log, cache)


def wait_ready(server: Server) -> Server:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            pytest.fail(f"reportqa serve exited with {server.proc.returncode}:\n{server.log.read_text()[-3000:]}")
        try:
            if httpx.get(server.url("/api/health"), timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    server.proc.terminate()
    pytest.fail(f"reportqa serve not ready after {START_TIMEOUT_S} s:\n{server.log.read_text()[-3000:]}")


def serving(server: Server) -> Iterator[Server]:
    """A session fixture's server, once started: ready it, hand it to the tests, stop it after."""
    try:
        yield wait_ready(server)
    finally:
        stop(server)


def stop(server: Server) -> None:
    server.proc.terminate()
    try:
        server.proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.proc.kill()


def host_page(app_base: str) -> str:
    """A third-party page that embeds the chat with the two-line snippet, and can also fetch the API."""
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>Host page</title></head>
<body><h1>A newspaper page embedding the chat</h1>
<script type="module" src="{app_base}/widget/gradio.js"></script>
<gradio-app src="{app_base}/chat/"></gradio-app>
</body></html>"""


def static_server(directory: Path, port: int) -> ThreadingHTTPServer:
    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", port), partial(Quiet, directory=str(directory)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


@pytest.fixture(scope="session")
def ui_cache_dir(request, tmp_path_factory) -> Path:
    """The suite's shared cache dir (tests/conftest.py ``cache_dir``) when there is one, else our own."""
    try:
        return Path(request.getfixturevalue("cache_dir"))
    except pytest.FixtureLookupError:
        path = tmp_path_factory.mktemp("reportqa-cache")
        os.environ["REPORTQA_CACHE"] = str(path)
        return path


@pytest.fixture(scope="session")
def app(tmp_path_factory, ui_cache_dir):
    tmp = tmp_path_factory.mktemp("app")
    allowed_port, refused_port, port = free_port(), free_port(), free_port()
    hosts = Hosts(f"http://127.0.0.1:{allowed_port}", f"http://127.0.0.1:{refused_port}")
    server = start_server(tmp, ui_cache_dir, port, "--allow-origin", hosts.allowed)
    site = tmp / "host"
    site.mkdir()
    (site / "index.html").write_text(host_page(server.base), encoding="utf-8")
    hosts.servers = [static_server(site, allowed_port), static_server(site, refused_port)]
    server.hosts = hosts
    try:
        yield wait_ready(server)
    finally:
        stop(server)
        for httpd in hosts.servers:
            httpd.shutdown()


XSS_DOCUMENT = """The Springfield Civic Report 2024

The council met often. The budget grew.

Budget

The council approved a budget of 4 million dollars {payload} for schools and clinics in Springfield in May. The mayor welcomed the decision.

Elections

Elections were held in November and turnout reached 61 percent.
"""


@pytest.fixture(scope="session")
def xss_app(tmp_path_factory, ui_cache_dir):
    tmp = tmp_path_factory.mktemp("xss")
    port = free_port()
    doc = tmp / "springfield.txt"
    doc.write_text(XSS_DOCUMENT.format(payload=XSS_PAYLOAD.format(port=port)), encoding="utf-8")
    server = start_server(tmp, ui_cache_dir, port, "--document", str(doc))
    yield from serving(server)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium (scripts/test-setup.sh installs it)")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    yield pg
    context.close()


API_KEY = "test-key-0123456789"
RATE_PER_MIN = 20


@pytest.fixture(scope="session")
def guarded_app(tmp_path_factory, ui_cache_dir):
    """The bundled report behind ``--api-key`` and ``--rate-limit`` (tests/ui/test_security.py)."""
    tmp = tmp_path_factory.mktemp("guarded")
    allowed = f"http://127.0.0.1:{free_port()}"
    server = start_server(tmp, ui_cache_dir, free_port(), "--allow-origin", allowed, "--api-key", API_KEY,
                          "--rate-limit", f"{RATE_PER_MIN}/min")
    server.hosts = Hosts(allowed, "http://127.0.0.1:9")
    server.api_key, server.rate_per_min = API_KEY, RATE_PER_MIN  # type: ignore[attr-defined]
    yield from serving(server)


@pytest.fixture(scope="session")
def serve_helpers():
    """The helpers above for tests that start (and kill) servers of their own."""
    from types import SimpleNamespace

    return SimpleNamespace(free_port=free_port, start_server=start_server, wait_ready=wait_ready, stop=stop)


COLLECTION_DOCUMENTS = (ROOT / "data" / "amnesty-mali-2024.txt", ROOT / "eval" / "gold" / "docs" / "freedonia-2024.txt")


@pytest.fixture(scope="session")
def collection_app(tmp_path_factory, ui_cache_dir):
    """The chat over a real two-document collection (the report and the made-up Freedonia report),
    built by `reportqa index PATH PATH --collection DIR` and served with $REPORTQA_COLLECTION=DIR.
    ``collection_app.collection`` is that directory (for an in-process Assistant on the same index)."""
    tmp = tmp_path_factory.mktemp("collection-app")
    directory = tmp / "collection"
    env = {**os.environ, "REPORTQA_CACHE": str(ui_cache_dir)}
    built = subprocess.run([sys.executable, "-m", "ui.cli", "index", *map(str, COLLECTION_DOCUMENTS),
                            "--collection", str(directory)], cwd=ROOT, env=env, capture_output=True, text=True,
                           timeout=START_TIMEOUT_S)
    assert built.returncode == 0, built.stderr[-3000:]
    with pytest.MonkeyPatch.context() as mp:  # the server's environment is taken when it starts
        mp.setenv("REPORTQA_COLLECTION", str(directory))
        server = start_server(tmp, ui_cache_dir, free_port())
    server.collection = directory  # type: ignore[attr-defined]
    yield from serving(server)
