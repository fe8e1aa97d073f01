"""Escaping and message building: document and user text is always text, never markup."""
from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from qa import Answer, Citation, FootnoteRef, Passage
from ui.render import (NEAREST_TITLE, SOURCES_TITLE, answer_messages, escape_text, highlighted,
                       history_for_assistant, plain_text, unescape_text)

LINK = re.compile(r"(?<!\\)\]\(")  # an unescaped "](" would make a link or image
PAYLOAD = "<img src=x onerror=alert(1)> <script>alert(2)</script> ![](http://127.0.0.1:9/leak) [a](javascript:x)"


@given(st.text())
def test_escape_round_trips(text):
    one_line = re.sub(r"[ \t]*[\r\n]+[ \t]*", " ", text)
    assert unescape_text(escape_text(text)) == one_line


@given(st.text())
def test_escaped_text_has_no_markup(text):
    out = escape_text(text)
    assert "<" not in out and ">" not in out and "\n" not in out
    bare = out.replace("\\\\", "")  # drop escaped backslashes, then no active syntax may remain
    assert not re.search(r"(?<!\\)[\[\]`*_~|{}]", bare)
    assert not re.search(r"(?<!\\)://", bare) and not re.search(r"(?i)\bwww\.", bare)
    assert not re.match(r"[#+\-=]|\d+[.)]", bare)


def test_prose_stays_readable():
    """Ordinary punctuation is left alone, so copied text and screen readers get plain prose."""
    text = "In May, he was convicted (one suspended); was it fair? Yes: 3.5 years."
    assert escape_text(text) == text


def test_payload_is_inert():
    out = escape_text(PAYLOAD)
    assert "<img" not in out and "<script" not in out and not LINK.search(out) and "![" not in out
    assert out.startswith("&lt;img src=x onerror=alert(1)&gt; &lt;script&gt;alert(2)&lt;/script&gt; !\\[\\](http\\://")


def citation(paragraph="Before. The quote <b>here</b>. After ![](http://x/y).", quote="The quote <b>here</b>."):
    start = paragraph.index(quote)
    return Citation(text=quote, section=("Part <i>A</i>", "Sub"), paragraph=2, start=start, end=start + len(quote),
                    paragraph_text=paragraph, footnotes=(FootnoteRef(7, "Note [x](http://e/) *bold*"),),
                    chunk_id="c1", document="Doc")


def test_highlight_wraps_only_the_span_and_escapes_all():
    c = citation()
    out = highlighted(c.paragraph_text, c.start, c.end)
    assert out.count("<mark>") == 1 and out.count("</mark>") == 1
    assert "<b>" not in out and not LINK.search(out)
    inner = out.split("<mark>")[1].split("</mark>")[0]
    assert unescape_text(inner) == c.text


def test_highlight_clamps_bad_spans():
    assert "<mark>" not in highlighted("abc", 5, 2)
    assert highlighted("abc", -3, 99) == "<mark>abc</mark>"


def test_answer_messages_have_numbered_citations_and_collapsed_sources():
    c = citation()
    a = Answer(question="q", text=c.text, abstained=False, citations=[c, c])
    reply, sources = answer_messages(a)
    assert reply["content"].endswith("[2]") and " [1] " in reply["content"]
    assert "<b>" not in reply["content"]
    assert sources["metadata"] == {"title": f"{SOURCES_TITLE} (2)", "status": "done"}
    assert "Part &lt;i&gt;A&lt;/i&gt; › Sub" in sources["content"]
    assert "Footnote 7" in sources["content"] and not LINK.search(sources["content"])
    assert sources["content"].count("<mark>") == 2


def test_refusal_looks_different_and_keeps_nearest_passages():
    p = Passage(text="Nearby <script>x</script>", section=("S",), paragraph=1, score=1.0, chunk_id="p")
    a = Answer(question="q", text="The report does not say.", abstained=True, passages=[p], reason="off topic")
    reply, nearest = answer_messages(a)
    assert 'class="rqa-refusal"' in reply["content"]
    assert nearest["metadata"]["title"] == NEAREST_TITLE and nearest["metadata"]["status"] == "done"
    assert "&lt;script&gt;" in nearest["content"]


def test_streaming_cuts_words_and_adds_sources_last():
    c = citation()
    a = Answer(question="q", text=c.text, abstained=False, citations=[c])
    partial = answer_messages(a, streamed_words=2)
    assert len(partial) == 1 and len(partial[0]["content"].split(" ")) == 2
    assert len(answer_messages(a, streamed_words=999)) == 2


def test_history_drops_sources_and_unescapes():
    c = citation()
    a = Answer(question="q", text=c.text, abstained=False, citations=[c])
    messages = [{"role": "user", "content": [{"type": "text", "text": escape_text("Who is *he*?")}]},
                *answer_messages(a)]
    turns = history_for_assistant(messages)
    assert turns == [{"role": "user", "content": "Who is *he*?"},
                     {"role": "assistant", "content": "The quote <b>here</b>."}]  # shown as text
    assert plain_text(None) == ""
