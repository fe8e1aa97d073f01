"""Real Chromium (Debian's /usr/bin/chromium) driven by Playwright against the real server.

Screenshots go to tests/artifacts/ (gitignored).
"""
from __future__ import annotations

import json
import re
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ANSWER_TIMEOUT_MS = 60_000


class Watch:
    """Everything the page does that we want to assert on: requests, dialogs, CSP/console errors."""

    def __init__(self, page) -> None:
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.console: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))

    def foreign(self, *allowed_origins: str) -> list[str]:
        ok = {urlsplit(o).netloc for o in allowed_origins}
        return [u for u in self.requests if urlsplit(u).scheme in ("http", "https", "ws", "wss")
                and urlsplit(u).netloc not in ok]

    def csp_violations(self) -> list[str]:
        return [c for c in self.console if "Content Security Policy" in c]


def ask(scope, page, question: str) -> None:
    box = scope.locator("textarea").first
    box.wait_for(state="visible", timeout=ANSWER_TIMEOUT_MS)
    box.fill(question)
    box.press("Enter")


def wait_for_reply(scope, marker: str = "[1]") -> None:
    scope.locator(".bot-row").filter(has_text=marker).last.wait_for(timeout=ANSWER_TIMEOUT_MS)
    # Streaming is over once the Sources / nearest passages accordion is there.
    scope.get_by_text(re.compile(r"^(Sources \(\d+\)|Nearest passages)")).last.wait_for(timeout=ANSWER_TIMEOUT_MS)


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


def test_chat_answers_with_expandable_highlighted_sources(app, page):
    watch = Watch(page)
    page.goto(app.url("/"), wait_until="load")
    assert page.url.endswith("/chat/")
    chat = page.locator("#rqa-chat")
    ask(page.locator("#rqa-question"), page, "When did the drone strikes on Amasrakad happen?")
    wait_for_reply(chat)
    reply = chat.locator(".bot-row").last
    assert "On 17 March, two army drone strikes" in reply.inner_text()
    mark = chat.locator("mark")
    assert mark.count() == 0 or not mark.first.is_visible(), "Sources start collapsed"
    chat.get_by_text(re.compile(r"^Sources \(1\)")).click()
    mark.first.wait_for(state="visible")
    assert mark.count() == 1
    assert mark.first.inner_text().startswith("On 17 March, two army drone strikes")
    text = chat.inner_text()
    assert "Unlawful killings › Government forces" in text
    assert "Footnote 3" in text and "Drone strikes killed 13 civilians" in text
    shot(page, "chat-answer-sources")

    # A follow-up uses the conversation; a refusal looks different and still shows passages.
    ask(page.locator("#rqa-question"), page, "Why was Etienne Fakaba Sissoko arrested?")
    chat.locator(".bot-row").filter(has_text="Sissoko").last.wait_for(timeout=ANSWER_TIMEOUT_MS)
    wait_for_reply(chat)
    ask(page.locator("#rqa-question"), page, "What was he sentenced to?")
    chat.locator(".bot-row").filter(has_text="three years").last.wait_for(timeout=ANSWER_TIMEOUT_MS)
    ask(page.locator("#rqa-question"), page, "What is the capital of France?")
    refusal = chat.locator(".rqa-refusal").last
    refusal.wait_for(timeout=ANSWER_TIMEOUT_MS)
    assert "does not say" in refusal.inner_text()
    chat.get_by_text(re.compile(r"^Nearest passages")).last.wait_for()
    shot(page, "chat-follow-up-refusal")

    assert watch.dialogs == []
    assert watch.foreign(app.base) == [], "the page must fetch nothing from other hosts (no CDN, no fonts)"
    assert watch.csp_violations() == []


def test_like_is_logged_and_clear_empties(app, page):
    page.goto(app.url("/chat/"), wait_until="load")
    chat = page.locator("#rqa-chat")
    before = len(app.feedback.read_text().splitlines()) if app.feedback.exists() else 0
    chat.get_by_text("How many schools remained closed?").click()  # an example
    wait_for_reply(chat)
    chat.get_by_role("button", name="Like").last.click()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        lines = app.feedback.read_text().splitlines() if app.feedback.exists() else []
        if len(lines) > before:
            break
        time.sleep(0.2)
    event = json.loads(lines[-1])
    assert event["verdict"] == "like"
    assert event["question"] == "How many schools remained closed?"
    assert "1,657 schools" in event["answer"] and event["citations"][0]["section"]
    page.locator("#rqa-clear").click()
    expect(chat.locator(".bot-row")).to_have_count(0)


def test_phone_width(app, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                  device_scale_factor=2)
    page = context.new_page()
    try:
        page.goto(app.url("/chat/"), wait_until="load")
        ask(page.locator("#rqa-question"), page, "How many schools remained closed?")
        wait_for_reply(page.locator("#rqa-chat"))
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"horizontal scrolling on a phone ({width}px)"
        shot(page, "chat-phone")
    finally:
        context.close()


def test_widget_on_an_allowed_origin(app, page):
    watch = Watch(page)
    page.goto(app.hosts.allowed + "/index.html", wait_until="load")
    widget = page.locator("gradio-app")
    ask(widget, page, "How many schools remained closed?")
    wait_for_reply(widget)
    assert "1,657 schools" in widget.inner_text()
    shot(page, "widget-allowed-origin")
    assert watch.dialogs == []
    assert watch.foreign(app.base, app.hosts.allowed) == []


def test_widget_on_a_refused_origin(app, page):
    watch = Watch(page)
    page.goto(app.hosts.refused + "/index.html", wait_until="load")
    page.wait_for_timeout(3000)
    assert page.locator("gradio-app textarea").count() == 0, "the widget must not load on a refused origin"
    assert any("CORS" in c for c in watch.console), watch.console
    # Nor can the page's own script talk to the API.
    outcome = page.evaluate("""async (url) => {
        try { const r = await fetch(url, {method: 'POST', headers: {'content-type': 'application/json'},
                                            body: JSON.stringify({question: 'How many schools remained closed?'})});
              return 'status ' + r.status; }
        catch (e) { return 'blocked'; } }""", app.url("/api/ask"))
    assert outcome == "blocked"
    shot(page, "widget-refused-origin")


PAYLOAD_QUESTION = ("What budget did the council approve? <img src=x onerror=alert(1)> <script>alert(2)</script> "
                    "![](http://127.0.0.1:{port}/leak)")


@pytest.mark.parametrize("question, kind", [
    (PAYLOAD_QUESTION, "answer"),
    ("Who won the football cup? <img src=x onerror=alert(1)> ![](http://127.0.0.1:{port}/leak)", "refusal"),
])
def test_markup_in_question_and_passage_stays_text(xss_app, page, question, kind):
    watch = Watch(page)
    page.goto(xss_app.url("/chat/"), wait_until="load")
    chat = page.locator("#rqa-chat")
    question = question.format(port=xss_app.port)
    ask(page.locator("#rqa-question"), page, question)
    wait_for_reply(chat, "[1]" if kind == "answer" else "")
    assert (chat.locator(".rqa-refusal").count() > 0) == (kind == "refusal")
    chat.get_by_text(re.compile(r"^(Sources \(\d+\)|Nearest passages)")).last.click()
    page.wait_for_timeout(1500)
    shot(page, f"xss-{kind}")
    text = chat.inner_text()
    assert "<img src=x onerror=alert(1)>" in text, "the question is shown as text"
    if kind == "answer":
        assert "<script>alert(2)</script>" in text, "the passage is shown as text"
        assert f"![](http://127.0.0.1:{xss_app.port}/leak)" in text
    assert watch.dialogs == []
    leaks = [u for u in watch.requests if "/leak" in u or re.search(r"/x$", u)]
    assert leaks == []
    assert chat.locator(".message-content img, .message-content script, .message-content a").count() == 0


def test_embed_page_preview_works_under_the_csp(app, page):
    watch = Watch(page)
    page.goto(app.url("/embed"), wait_until="load")
    assert "/widget/gradio.js" in page.locator("#snippet-widget").inner_text()
    widget = page.locator("gradio-app")
    ask(widget, page, "When did the drone strikes on Amasrakad happen?")
    wait_for_reply(widget)
    assert "17 March" in widget.inner_text()
    shot(page, "embed-page")
    assert watch.csp_violations() == [] and watch.foreign(app.base) == []
