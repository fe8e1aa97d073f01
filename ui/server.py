"""One FastAPI app: the chat at /chat/, the JSON API at /api/, the widget bundle at /widget/.

Security, in layers:
- an Origin guard: a request that carries an ``Origin`` which is neither this server nor on the
  ``--allow-origin`` list is refused with 403 (CORS alone only hides responses from pages; it
  does not stop a "simple" request from running);
- Starlette's ``CORSMiddleware`` with that explicit allow-list (default: same-origin only).
  Gradio then leaves CORS to the parent app instead of echoing every Origin with credentials;
- a Content-Security-Policy allowing only this origin (inline scripts of Gradio's own page are
  allowed by their SHA-256 hashes, computed per response), ``frame-ancestors`` = self + list.
"""
from __future__ import annotations

import os

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_RUN_HISTORY", "False")

import base64  # noqa: E402
import hashlib  # noqa: E402
import html  # noqa: E402
import re  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Iterable  # noqa: E402
from urllib.parse import urlsplit  # noqa: E402

import gradio as gr  # noqa: E402
from fastapi import FastAPI, Request  # noqa: E402
from fastapi.responses import FileResponse, HTMLResponse, PlainTextResponse, RedirectResponse  # noqa: E402
from starlette.middleware.cors import CORSMiddleware  # noqa: E402
from starlette.staticfiles import StaticFiles  # noqa: E402
from starlette.types import ASGIApp, Message, Receive, Scope, Send  # noqa: E402

from qa import Assistant, Config  # noqa: E402

from .api import install_api  # noqa: E402
from .chat import CSS, MAX_QUESTION_CHARS, build_chat, theme  # noqa: E402
from .feedback import FeedbackLog  # noqa: E402
from .guard import MAX_BODY_BYTES, RequestGuard, parse_rate  # noqa: E402

CHAT_PATH = "/chat"
ASK_CONCURRENCY = 4  # /api/ask requests past the admission gate (0: no gate), as many as chat slots (ui/chat.py)
WORKER_THREADS = 12  # anyio worker threads: 4 API + 4 chat + 4 for static files and quick events (default 40)
WIDGET_PATH = "/widget"
FRONTEND_DIR = Path(gr.__file__).parent / "templates" / "frontend"
_INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S | re.I)


def normalise_origin(origin: str) -> str:
    """'http://Example.com:80/' -> 'http://example.com'; raises ValueError on anything else."""
    parts = urlsplit(origin.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/") \
            or parts.query or parts.fragment:
        raise ValueError(f"not an origin (scheme://host[:port]): {origin!r}")
    default = {"http": 80, "https": 443}[parts.scheme]
    port = f":{parts.port}" if parts.port and parts.port != default else ""
    return f"{parts.scheme}://{parts.hostname.lower()}{port}"


class OriginGuard:
    """403 for any request whose Origin is not this server's own and not on the allow-list."""

    def __init__(self, app: ASGIApp, allow_origins: Iterable[str]) -> None:
        self.app = app
        self.allowed = set(allow_origins)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        origin = headers.get("origin")
        if origin is None or self._ok(origin, headers.get("host", "")):
            return await self.app(scope, receive, send)
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        await PlainTextResponse("origin not allowed", status_code=403)(scope, receive, send)

    def _ok(self, origin: str, host: str) -> bool:
        try:
            origin = normalise_origin(origin)
        except ValueError:
            return False  # "null" and friends
        if origin in self.allowed:
            return True
        return urlsplit(origin).netloc == host.lower() or origin.split("://", 1)[1] == host.lower()


class SecurityHeaders:
    """CSP (self only; Gradio's inline scripts by hash), nosniff, referrer policy."""

    def __init__(self, app: ASGIApp, frame_ancestors: Iterable[str]) -> None:
        self.app = app
        self.frame_ancestors = " ".join(["'self'", *frame_ancestors])

    def policy(self, script_hashes: Iterable[str] = ()) -> str:
        scripts = " ".join(["'self'", *(f"'sha256-{h}'" for h in script_hashes)])
        return "; ".join([
            "default-src 'self'",
            f"script-src {scripts}",
            "style-src 'self' 'unsafe-inline'",  # Svelte and Gradio's theme set inline styles
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "media-src 'self' data: blob:",
            "connect-src 'self'",
            "worker-src 'self' blob:",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            f"frame-ancestors {self.frame_ancestors}",
        ])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = list(scope.get("headers", []))
        accept = b"".join(v for k, v in headers if k.lower() == b"accept")
        if b"text/html" in accept:
            # The HTML must reach us uncompressed so its inline scripts can be hashed.
            scope = dict(scope, headers=[(k, v) for k, v in headers if k.lower() != b"accept-encoding"])
        start: Message | None = None
        body: list[bytes] = []

        async def send_wrapper(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                raw = message.get("headers", [])
                ctype = b"".join(v for k, v in raw if k.lower() == b"content-type")
                encoded = any(k.lower() == b"content-encoding" for k, _ in raw)
                if ctype.startswith(b"text/html") and not encoded:
                    start = message  # hold until the body is complete
                    return
                await send(self._with_headers(message, ()))
                return
            if start is not None and message["type"] == "http.response.body":
                body.append(message.get("body", b""))
                if message.get("more_body"):
                    return
                content = b"".join(body)
                hashes = [base64.b64encode(hashlib.sha256(m.group(1)).digest()).decode()
                          for m in _INLINE_SCRIPT.finditer(content)]
                await send(self._with_headers(start, hashes))
                await send({"type": "http.response.body", "body": content, "more_body": False})
                return
            await send(message)

        await self.app(scope, receive, send_wrapper)

    def _with_headers(self, message: Message, hashes: Iterable[str]) -> Message:
        drop = {b"content-security-policy", b"x-content-type-options", b"referrer-policy"}
        headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in drop]
        headers += [(b"content-security-policy", self.policy(hashes).encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"same-origin")]
        return {**message, "headers": headers}


def snippets(base: str) -> dict[str, str]:
    return {
        "widget": f'<script type="module" src="{base}{WIDGET_PATH}/gradio.js"></script>\n'
                  f'<gradio-app src="{base}{CHAT_PATH}/"></gradio-app>',
        "iframe": f'<iframe src="{base}{CHAT_PATH}/" title="Ask the report" '
                  f'style="width:100%;height:720px;border:0" loading="lazy"></iframe>',
    }


def embed_page(base: str, allow_origins: list[str]) -> str:
    s = snippets(base)
    allowed = ", ".join(allow_origins) or "none (same-origin only); start with --allow-origin https://your.site"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Embed the report chat</title>
<style>
body {{ font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; max-width: 52rem; margin: 1.5rem auto;
       padding: 0 1rem; line-height: 1.5; color: #1f2937; }}
pre {{ background: #f3f4f6; padding: .8rem; overflow-x: auto; border-radius: 6px; white-space: pre-wrap; }}
code {{ font-family: ui-monospace, Menlo, Consolas, monospace; }}
</style></head>
<body>
<h1>Put the chat on your page</h1>
<p>Paste these two lines where the chat should appear. The page's origin must be on the server's
allow-list (<code>reportqa serve --allow-origin https://your.site</code>). Allowed now: {html.escape(allowed)}.</p>
<pre id="snippet-widget"><code>{html.escape(s["widget"])}</code></pre>
<p>Or, on a page of this same site, an iframe:</p>
<pre id="snippet-iframe"><code>{html.escape(s["iframe"])}</code></pre>
<p>Over HTTP: <code>POST {html.escape(base)}/api/ask</code> with <code>{{"question": "..."}}</code>
(<a href="/openapi.json">OpenAPI schema</a>), or the Gradio endpoint <code>/chat</code> with
<code>gradio_client</code> / <code>@gradio/client</code>.</p>
<h2>Preview</h2>
{s["widget"]}
</body></html>"""


def create_app(assistant: Assistant, *, allow_origins: Iterable[str] = (), feedback_path: str | Path,
               max_question_chars: int = MAX_QUESTION_CHARS, api_key: str | None = None,
               rate_limit: tuple[int, float] | None = None, max_body: int = MAX_BODY_BYTES,
               ask_concurrency: int | None = None, threads: int | None = None,
               trust_proxy: int = 0) -> FastAPI:
    """``ask_concurrency``/``threads`` default to $REPORTQA_ASK_CONCURRENCY / $REPORTQA_THREADS, else
    :data:`ASK_CONCURRENCY` / :data:`WORKER_THREADS` (measured on 2 cores: eval/load_test.py)."""
    if ask_concurrency is None:
        ask_concurrency = int(os.environ.get("REPORTQA_ASK_CONCURRENCY", ASK_CONCURRENCY))
    if threads is None:
        threads = int(os.environ.get("REPORTQA_THREADS", WORKER_THREADS))
    origins = sorted({normalise_origin(o) for o in allow_origins})
    # No /docs or /redoc: FastAPI's pages load Swagger/ReDoc from a CDN. The schema is /openapi.json.
    app = FastAPI(title="reportqa", version="0.1.0", docs_url=None, redoc_url=None,
                  description=f"Ask questions about {assistant.document_title!r}; get quoted, cited answers.")
    install_api(app, assistant, max_question_chars)

    @app.get("/", include_in_schema=False)
    async def root() -> RedirectResponse:
        return RedirectResponse(f"{CHAT_PATH}/")

    @app.get("/embed", include_in_schema=False, response_class=HTMLResponse)
    async def embed(request: Request) -> HTMLResponse:
        return HTMLResponse(embed_page(str(request.base_url).rstrip("/"), origins))

    @app.get(f"{WIDGET_PATH}/gradio.js", include_in_schema=False)
    async def widget() -> FileResponse:
        return FileResponse(FRONTEND_DIR / "gradio.js", media_type="text/javascript")

    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon() -> FileResponse:
        return FileResponse(FRONTEND_DIR / "favicon.png", media_type="image/png")

    # The bundle imports its chunks relative to gradio.js (/widget/assets/...) but preloads its CSS
    # from the site root (/assets/...): serve the same folder at both.
    assets = StaticFiles(directory=FRONTEND_DIR / "assets")
    app.mount(f"{WIDGET_PATH}/assets", assets, name="widget-assets")
    app.mount("/assets", assets, name="assets")

    blocks = build_chat(assistant, FeedbackLog(feedback_path), max_question_chars)
    gr.mount_gradio_app(app, blocks, path=CHAT_PATH, footer_links=["api"], run_history=False, ssr_mode=False,
                        pwa=False, mcp_server=False, theme=theme(), css=CSS, show_error=True)

    # Outermost last: OriginGuard -> CORS -> request guard (body cap, key, rate) -> security headers -> app.
    app.add_middleware(SecurityHeaders, frame_ancestors=origins)
    app.add_middleware(RequestGuard, max_body=max_body, api_key=api_key, rate=rate_limit,
                       ask_concurrency=ask_concurrency, threads=threads, trust_proxy=trust_proxy)
    app.add_middleware(CORSMiddleware, allow_origins=origins, allow_credentials=True,
                       allow_methods=["GET", "POST", "OPTIONS"], allow_headers=["*"], max_age=600)
    app.add_middleware(OriginGuard, allow_origins=origins)
    return app


def serve(args, config: Config) -> int:
    import uvicorn

    try:
        origins = [normalise_origin(o) for o in getattr(args, "allow_origin", None) or []]
    except ValueError as exc:
        print(f"reportqa: --allow-origin: {exc}", file=sys.stderr)
        return 2
    max_chars = int(getattr(args, "max_question_chars", None) or MAX_QUESTION_CHARS)
    try:
        rate = parse_rate(args.rate_limit) if getattr(args, "rate_limit", None) else None
    except ValueError as exc:
        print(f"reportqa: --rate-limit: {exc}", file=sys.stderr)
        return 2
    trust_proxy = getattr(args, "trust_proxy", None) or 0
    if trust_proxy < 0:
        print(f"reportqa: --trust-proxy: not a number of proxies (N >= 0): {trust_proxy}", file=sys.stderr)
        return 2
    api_key = getattr(args, "api_key", None) or os.environ.get("REPORTQA_API_KEY") or None
    feedback = getattr(args, "feedback_log", None) or Path(config.cache_dir) / "feedback.jsonl"
    assistant = Assistant(config)
    app = create_app(assistant, allow_origins=origins, feedback_path=feedback, max_question_chars=max_chars,
                     api_key=api_key, rate_limit=rate, trust_proxy=trust_proxy)
    shown = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    print(f"reportqa: {assistant.document_title!r} ready in {assistant.load_ms / 1000:.1f} s; "
          f"chat at http://{shown}:{args.port}{CHAT_PATH}/  (API: /api/ask, widget: /embed; "
          f"feedback -> {feedback})", file=sys.stderr, flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level=getattr(args, "log_level", "warning"),
                proxy_headers=False)
    return 0
