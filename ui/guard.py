"""Request limits in front of the app: body size, optional API key, per-client rate limit.

- every request body is capped (``max_body`` bytes; by ``Content-Length`` up front; a chunked
  body is read up to the cap, then replayed): 413 with one line, before any JSON is parsed;
- ``api_key``: ``POST /api/ask`` needs ``Authorization: Bearer KEY`` or ``X-API-Key: KEY``,
  compared in constant time (:func:`hmac.compare_digest`); 401 otherwise;
- ``rate``: at most N questions per minute per client address (a token bucket refilling at
  N/60 per second, bursts up to N) on ``/api/ask`` and the chat's Gradio calls; 429 with
  ``Retry-After`` and one line;
- ``trust_proxy``: 0 (the default) keys the rate limit on the socket address and ignores
  ``X-Forwarded-For``; N >= 1 keys it on the address N hops from the right of ``X-Forwarded-For``
  (N=1: the address the one trusted proxy appended), and on the socket address when the header is
  absent, too short or not addresses (:func:`forwarded_client`).

All refusals are ``{"detail": "..."}`` JSON, like the API's own errors.
"""
from __future__ import annotations

import asyncio
import hmac
import ipaddress
import json
import math
import re
import threading
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY_BYTES = 2 * 1024 * 1024  # a 1000-char question with 40 turns of 4000 chars fits with room
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(s|sec|second|m|min|minute|h|hour)\s*$", re.I)
_PER = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600, "hour": 3600}


def parse_rate(text: str) -> tuple[int, float]:
    """'30/min' -> (30, 60.0); ValueError with a one-line reason otherwise."""
    m = _RATE.match(text or "")
    if not m or int(m.group(1)) < 1:
        raise ValueError(f"not a rate (N/min, N/s or N/hour with N >= 1): {text!r}")
    return int(m.group(1)), float(_PER[m.group(2).lower()])


def _address(text: str) -> str | None:
    """'203.0.113.7' / '203.0.113.7:4711' / '[2001:db8::1]:443' / '2001:DB8::1' -> canonical address."""
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [v6] or [v6]:port
        text = text[1:text.index("]")]
    elif text.count(":") == 1:  # v4:port
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text).compressed
    except ValueError:
        return None


def forwarded_client(values: list[bytes], hops: int) -> str | None:
    """The client address ``hops`` entries from the right of the X-Forwarded-For header(s) ``values``
    (several headers count as one comma-separated list, in order), or None when there are fewer
    entries or one of the ``hops`` rightmost (those the trusted proxies wrote) is not an address."""
    if hops < 1 or not values:
        return None
    entries = [e for v in values for e in v.decode("latin-1").split(",")]
    if len(entries) < hops:
        return None
    trusted = [_address(e) for e in entries[-hops:]]
    return None if None in trusted else trusted[0]


class TokenBuckets:
    """Per-key token buckets: ``capacity`` requests, refilled over ``period`` seconds."""

    def __init__(self, capacity: int, period: float, max_keys: int = 10_000) -> None:
        self.capacity, self.rate = float(capacity), capacity / period
        self.max_keys = max_keys
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str, now: float | None = None) -> float:
        """0 when a request may go now, else the seconds until one may."""
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, last = self._buckets.get(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            if tokens >= 1:
                self._buckets[key] = (tokens - 1, now)
                wait = 0.0
            else:
                self._buckets[key] = (tokens, now)
                wait = (1 - tokens) / self.rate
            if len(self._buckets) > self.max_keys:  # forget the fullest (idle) buckets first
                for k, _ in sorted(self._buckets.items(), key=lambda kv: -kv[1][0])[: self.max_keys // 10]:
                    self._buckets.pop(k, None)
            return wait


def _detail(status: int, text: str, extra: list[tuple[bytes, bytes]] = ()) -> tuple[dict, dict]:
    body = json.dumps({"detail": text}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *extra]
    return ({"type": "http.response.start", "status": status, "headers": headers},
            {"type": "http.response.body", "body": body, "more_body": False})


class RequestGuard:
    """ASGI middleware; see the module docstring."""

    def __init__(self, app: ASGIApp, *, max_body: int = MAX_BODY_BYTES, api_key: str | None = None,
                 rate: tuple[int, float] | None = None, ask_path: str = "/api/ask",
                 chat_prefix: str = "/chat/gradio_api/", ask_concurrency: int = 0,
                 threads: int | None = None, trust_proxy: int = 0) -> None:
        self.app = app
        self.trust_proxy = max(0, int(trust_proxy or 0))  # X-Forwarded-For hops to trust (0: ignore it)
        # Admission gate for /api/ask: at most this many requests past this point (0 = no gate).
        # The Assistant answers one question at a time, so the rest wait here, on the event loop,
        # instead of each holding a worker thread that Gradio's handlers also need.
        self.ask_concurrency = ask_concurrency
        self._ask_slots: asyncio.Semaphore | None = None
        self.threads = threads  # anyio's worker threads (sync handlers: API answers, Gradio steps)
        self.max_body = max_body
        self.api_key = api_key.encode() if api_key else None
        self.buckets = TokenBuckets(*rate) if rate else None
        self.ask_path, self.chat_prefix = ask_path, chat_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.threads:
            import anyio.to_thread

            anyio.to_thread.current_default_thread_limiter().total_tokens = self.threads  # inside the loop
            self.threads = None
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path, method = scope.get("path", ""), scope.get("method", "GET")
        headers = {k.decode("latin-1").lower(): v for k, v in scope.get("headers", [])}
        length = headers.get("content-length")
        if length is not None:
            try:
                n = int(length)
            except ValueError:
                return await self._refuse(send, 400, "content-length: not a number")
            if n > self.max_body:
                return await self._refuse(send, 413, f"body: too large ({n} bytes; the limit is {self.max_body})")
        is_ask = path.rstrip("/") == self.ask_path and method == "POST"
        if is_ask and self.api_key is not None and not self._key_ok(headers):
            return await self._refuse(send, 401, "missing or wrong API key (Authorization: Bearer KEY)",
                                      [(b"www-authenticate", b'Bearer realm="reportqa"')])
        if self.buckets is not None and method == "POST" and (is_ask or path.startswith(self.chat_prefix)):
            wait = self.buckets.take(self.client_key(scope))
            if wait > 0:
                secs = max(1, math.ceil(wait))
                return await self._refuse(send, 429, f"too many requests: rate limit reached; retry in {secs} s",
                                          [(b"retry-after", str(secs).encode())])
        if is_ask and self.ask_concurrency > 0:
            if self._ask_slots is None:
                self._ask_slots = asyncio.Semaphore(self.ask_concurrency)
            async with self._ask_slots:
                return await self._forward(scope, receive, send, length, method)
        return await self._forward(scope, receive, send, length, method)

    async def _forward(self, scope: Scope, receive: Receive, send: Send, length, method: str) -> None:
        if length is not None or method in ("GET", "HEAD", "OPTIONS"):
            return await self.app(scope, receive, send)
        # A chunked body has no Content-Length: read it here up to the cap, then replay it.
        chunks, seen, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunks.append(message.get("body", b""))
            seen += len(chunks[-1])
            if seen > self.max_body:
                return await self._refuse(send, 413, f"body: too large (over {self.max_body} bytes)")
            more = message.get("more_body", False)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    def client_key(self, scope: Scope) -> str:
        """The rate-limit key: the socket address, or with ``trust_proxy`` the forwarded client."""
        address = (scope.get("client") or ("?", 0))[0]
        if self.trust_proxy:
            forwarded = [v for k, v in scope.get("headers", []) if k.lower() == b"x-forwarded-for"]
            return forwarded_client(forwarded, self.trust_proxy) or address
        return address

    def _key_ok(self, headers: dict[str, bytes]) -> bool:
        given = headers.get("x-api-key", b"")
        auth = headers.get("authorization", b"")
        if auth[:7].lower() == b"bearer ":
            given = auth[7:].strip()
        # compare_digest over bytes: time does not depend on where the strings differ
        return hmac.compare_digest(given, self.api_key or b"")

    async def _refuse(self, send: Send, status: int, text: str, extra: list[tuple[bytes, bytes]] = ()) -> None:
        start, body = _detail(status, text, list(extra))
        await send(start)
        await send(body)
