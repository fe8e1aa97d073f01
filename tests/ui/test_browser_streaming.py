"""The chat streams in a real browser: the bot message's text grows word by word before the final,
cited answer (Debian's Chromium through Playwright, against the real server; gradio_client
streaming is covered by tests/ui/test_chat.py).

The text is sampled inside the page by a MutationObserver, at every change of the chat's DOM, rather
than polled from Python: each streamed chunk (ui/chat.py: STREAM_WORDS words every STREAM_DELAY_S) is
its own DOM update, so the samples do not depend on how quickly this process gets the CPU.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
ANSWER_TIMEOUT_MS = 60_000

pytestmark = [pytest.mark.browser, pytest.mark.slow]

QUESTION = "How many schools remained closed?"  # a 34-word quote: about eleven streamed chunks
ANSWER = "1,657 schools were closed during 2023"

# Every change under #rqa-chat: the text of the newest bot row's reply (not its Sources), with a time.
SAMPLER = """() => {
  window.__rqaSamples = [];
  const sample = () => {
    const rows = document.querySelectorAll('#rqa-chat .bot-row');
    const reply = rows.length ? rows[rows.length - 1].querySelector('.message-content') : null;
    const text = reply ? reply.innerText.trim() : '';
    const seen = window.__rqaSamples;
    if (!seen.length || seen[seen.length - 1].text !== text) seen.push({t: performance.now(), text});
  };
  new MutationObserver(sample).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


def test_bot_message_grows_while_it_streams(app, page):
    page.goto(app.url("/chat/"), wait_until="load")
    chat = page.locator("#rqa-chat")
    page.locator("#rqa-question textarea").wait_for(state="visible", timeout=ANSWER_TIMEOUT_MS)
    assert chat.locator(".bot-row").count() == 0
    page.evaluate(SAMPLER)

    box = page.locator("#rqa-question textarea")
    box.fill(QUESTION)
    box.press("Enter")
    # Streaming is over once the Sources accordion (sent with the last update only) is there.
    chat.get_by_text(re.compile(r"^Sources \(1\)")).last.wait_for(timeout=ANSWER_TIMEOUT_MS)
    final = chat.locator(".bot-row").last.locator(".message-content").first.inner_text().strip()
    samples = page.evaluate("window.__rqaSamples")
    page.screenshot(path=str(ARTIFACTS / "chat-streamed.png"))

    assert ANSWER in final and final.endswith("[1]"), final
    texts = [s["text"] for s in samples if s["text"]]
    assert texts and texts[-1] == final, texts[-3:]
    partial = texts[:-1]
    # Each partial text is the start of the answer, and each one longer than the one before.
    for before, after in zip(partial, partial[1:] + [final]):
        assert final.startswith(before.rstrip(" .,;:")), (before, final)
        assert len(before) < len(after), (before, after)
    lengths = sorted({len(t) for t in partial})
    assert len(lengths) >= 2, f"the reply never showed two partial texts before the final one: {texts}"
    assert lengths[-1] < len(final)
    times = [s["t"] for s in samples if s["text"]]
    assert times[-1] > times[0], "the partial texts were shown over time, not at once"
