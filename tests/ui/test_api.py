"""POST /api/ask and GET /api/health against the real server (real models, real index)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def ask(app, payload, **kw) -> httpx.Response:
    return httpx.post(app.url("/api/ask"), json=payload, timeout=60, **kw)


def test_health(app):
    r = httpx.get(app.url("/api/health"), timeout=10)
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok"
    assert "Mali 2024" in body["document"]
    assert body["chunks"] > 10


def test_answer_has_citations_with_span_and_footnote(app):
    r = ask(app, {"question": "When did the drone strikes on Amasrakad happen?"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) >= {"question", "answer", "abstained", "reason", "citations", "passages",
                         "passage_details", "timings_ms"}
    assert not body["abstained"]
    assert "17 March" in body["answer"]
    c = body["citations"][0]
    assert c["paragraph_text"][c["start"]:c["end"]] == c["text"]
    assert c["section"] == "Government forces"
    assert c["section_label"] == "Unlawful killings › Government forces"
    assert c["section_path"] == ["Unlawful killings", "Government forces"]
    assert c["section_path"] == ["Unlawful killings", "Government forces"]
    assert any(f["number"] == 3 and "Amasrakad" in f["text"] for f in c["footnotes"])
    assert body["passages"] and body["passage_details"][0]["section"]


def test_same_object_as_cli_json(app):
    """The API returns what `reportqa ask --json` prints (same keys, same answer)."""
    q = "How many schools remained closed?"
    out = subprocess.run([sys.executable, "-m", "ui.cli", "ask", "--json", q], cwd=ROOT, capture_output=True,
                         text=True, timeout=180, env={**os.environ, "REPORTQA_CACHE": str(app.cache)})
    assert out.returncode == 0, out.stderr
    cli = json.loads(out.stdout)
    api = ask(app, {"question": q}).json()
    assert set(cli) == set(api)
    assert cli["answer"] == api["answer"] and cli["citations"] == api["citations"]


def test_refusal_keeps_nearest_passages(app):
    body = ask(app, {"question": "What is the capital of France?"}).json()
    assert body["abstained"] is True
    assert body["citations"] == []
    assert "does not say" in body["answer"]
    assert body["reason"]
    assert len(body["passages"]) >= 1


def test_follow_up_uses_history(app):
    first = ask(app, {"question": "Why was Etienne Fakaba Sissoko arrested?"}).json()
    assert not first["abstained"]
    history = [{"role": "user", "content": "Why was Etienne Fakaba Sissoko arrested?"},
               {"role": "assistant", "content": first["answer"]}]
    body = ask(app, {"question": "What was he sentenced to?", "history": history}).json()
    assert not body["abstained"], body
    assert "three years" in body["answer"]


@pytest.mark.parametrize("payload, status, needle", [
    ({"question": ""}, 400, "empty"),
    ({"question": "   \n "}, 400, "empty"),
    ({"question": "x" * 1001}, 413, "too long"),
    ({"question": 42}, 422, "question"),
    ({"question": ["a"]}, 422, "question"),
    ({}, 422, "question: required"),
    ({"question": "hi", "history": "nope"}, 422, "history"),
    ({"question": "hi", "history": [{"role": "system", "content": "x"}]}, 422, "role"),
    ({"question": "hi", "history": [{"role": "user", "content": 3}]}, 422, "content"),
    ({"question": "hi", "extra": 1}, 422, "unknown field"),
])
def test_bad_input_is_a_one_line_4xx(app, payload, status, needle):
    r = ask(app, payload)
    assert r.status_code == status, r.text
    detail = r.json()["detail"]
    assert isinstance(detail, str) and "\n" not in detail and len(detail) < 200
    assert needle in detail


def test_not_json_is_a_one_line_422(app):
    r = httpx.post(app.url("/api/ask"), content=b"{not json", headers={"content-type": "application/json"},
                   timeout=10)
    assert r.status_code == 422
    assert r.json() == {"detail": "body: not valid JSON"}


def test_openapi_schema_describes_ask(app):
    spec = httpx.get(app.url("/openapi.json"), timeout=10).json()
    op = spec["paths"]["/api/ask"]["post"]
    assert op["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/AskRequest")
    assert op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/AskResponse")
    schemas = spec["components"]["schemas"]
    assert {"question", "answer", "citations", "passages"} <= set(schemas["AskResponse"]["properties"])
    assert "/api/health" in spec["paths"]


def test_root_redirects_to_chat(app):
    r = httpx.get(app.url("/"), timeout=10)
    assert r.status_code in (302, 307)
    assert r.headers["location"].endswith("/chat/")
