"""Turn an `Answer` into chat messages, treating every piece of document or user text as text.

Gradio's Chatbot renders Markdown, then HTML, then sanitises. Sanitising alone is not enough:
`<img src=x>` survives it and a Markdown image in a passage is fetched (a tracking channel). So
every string that comes from the document or the user goes through :func:`escape_text` first:
ASCII punctuation that Markdown could act on is backslash-escaped and HTML's specials become
entities. The only markup in a message is the markup this module writes itself.
"""
from __future__ import annotations

import html
import re
from pathlib import PurePath
from typing import Any, Iterable, Mapping

# Inline Markdown syntax, escaped wherever it stands: links and images need brackets, emphasis
# needs * _ ~, code needs `. Block syntax (#, >, -, +, =, "1.") only acts at the start of a line,
# and escaped text is kept on one line. Bare URLs and e-mail addresses would be auto-linked.
# Everything else (. , ? : ; ( ) ! ...) stays as it is, so copied text and screen readers see prose.
_MD_INLINE = re.compile(r"([\\`*_\[\]~|{}])")
_MD_BLOCK_START = re.compile(r"^([#+\-=])|^(\d+)([.)])")
_AUTOLINK = re.compile(r"(?i)(://|\bwww\.|@)")
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
_MARKER = re.compile(r"\s*\[\d+\]")
_TAG = re.compile(r"<[^>]*>")

SOURCES_TITLE = "Sources"
NEAREST_TITLE = "Nearest passages (no answer found in them)"
REFUSAL_PREFIX = ""  # refusals are marked by the rqa-refusal style, not a glyph a font may lack


def escape_text(text: str) -> str:
    """Make ``text`` display literally in a Markdown+HTML message (no links, images, tags, emphasis)."""
    text = "" if text is None else str(text)
    text = re.sub(r"[ \t]*[\r\n]+[ \t]*", " ", text)  # one line: no block syntax inside
    text = _MD_INLINE.sub(r"\\\1", text)
    text = _AUTOLINK.sub(lambda m: "\\" + m.group(1) if m.group(1) == "@" else
                         ("\\://" if m.group(1) == "://" else m.group(1)[:3] + "\\."), text)
    text = _MD_BLOCK_START.sub(lambda m: "\\" + m.group(1) if m.group(1) else m.group(2) + "\\" + m.group(3), text)
    # Last: < > & become entities, which can never open a tag (Markdown shows them as the character).
    return html.escape(text, quote=False)


def unescape_text(text: str) -> str:
    """Inverse of :func:`escape_text` (for feeding chat history back to the assistant)."""
    return _ESCAPED.sub(r"\1", html.unescape(text))


def plain_text(message_content: Any) -> str:
    """The words of a chat message as the reader saw them: no escapes, tags or [n] markers."""
    if isinstance(message_content, list):  # Gradio 6 content parts
        message_content = " ".join(str(p.get("text", "")) if isinstance(p, dict) else str(p)
                                   for p in message_content)
    if not isinstance(message_content, str):
        return ""
    text = _TAG.sub("", message_content)
    text = unescape_text(text)
    text = _MARKER.sub("", text)
    return text.replace("**", "").strip()


def history_for_assistant(messages: Iterable[Any] | None) -> list[dict]:
    """Chat history (Gradio messages) -> plain {role, content} turns, without the Sources messages."""
    turns: list[dict] = []
    for m in messages or []:
        if not isinstance(m, dict):
            continue
        meta = m.get("metadata") or {}
        if isinstance(meta, dict) and meta.get("title"):
            continue  # a Sources / nearest-passages message, not part of the conversation
        role = m.get("role")
        if role not in ("user", "assistant"):
            continue
        text = plain_text(m.get("content"))
        if text:
            turns.append({"role": role, "content": text})
    return turns


def answer_markdown(answer) -> str:
    """The answer with inline numbered citations, or the refusal, as message Markdown."""
    if answer.abstained:
        return f'{REFUSAL_PREFIX}<span class="rqa-refusal">*{escape_text(answer.text)}*</span>'
    if answer.citations:
        return " ".join(f"{escape_text(c.text)} [{i}]" for i, c in enumerate(answer.citations, 1))
    return escape_text(answer.text)


def highlighted(paragraph: str, start: int, end: int) -> str:
    """The paragraph, escaped, with the span [start, end) wrapped in <mark>."""
    paragraph = paragraph or ""
    start = max(0, min(int(start), len(paragraph)))
    end = max(start, min(int(end), len(paragraph)))
    if end <= start:
        return escape_text(paragraph)
    return (escape_text(paragraph[:start]) + "<mark>" + escape_text(paragraph[start:end]) + "</mark>"
            + escape_text(paragraph[end:]))


def _document_label(title: str, path: str = "") -> str:
    """A source's document in a collection, as Title (file.txt); "" when nothing names it."""
    name = PurePath(path).name if path else ""
    if title and name:
        return f"{title} ({name})"
    return title or name


def _passage_document(chunk_id: str, titles: Mapping[str, str]) -> str:
    """The title of a collection passage's document: chunk ids are ``<doc key>:<id>``."""
    key = chunk_id.split(":", 1)[0] if ":" in (chunk_id or "") else ""
    return titles.get(key, "")


def _where(document: str, section_label: str) -> str:
    return " › ".join(part for part in (document, section_label) if part)


def sources_markdown(answer, titles: Mapping[str, str] | None = None) -> str:
    """Each cited paragraph: section path, paragraph number, highlighted span, footnotes.

    ``titles`` (document key -> title, given in a collection) puts the document in front of the section.
    """
    blocks = []
    for i, c in enumerate(answer.citations, 1):
        document = ""
        if titles is not None:
            document = _document_label(c.document or _passage_document(c.chunk_id, titles), c.document_path)
        lines = [f"**[{i}] {escape_text(_where(document, c.section_label))}**, paragraph {int(c.paragraph)}",
                 "", f"> {highlighted(c.paragraph_text, c.start, c.end)}"]
        for note in c.footnotes:
            lines += ["", f'<span class="rqa-footnote">Footnote {int(note.number)}: {escape_text(note.text)}</span>']
        blocks.append("\n".join(lines))
    return "\n\n---\n\n".join(blocks)


def nearest_markdown(answer, limit: int = 3, titles: Mapping[str, str] | None = None) -> str:
    """The passages retrieved for a question the report does not answer (with their document's
    title in a collection: ``titles``, document key -> title)."""
    blocks = []
    for p in answer.passages[:limit]:
        label = _where(_passage_document(p.chunk_id, titles) if titles is not None else "", " › ".join(p.section))
        blocks.append(f"**{escape_text(label)}**, paragraph {int(p.paragraph)}\n\n> {escape_text(p.text)}")
    return "\n\n---\n\n".join(blocks) or "No passage came close."


def answer_messages(answer, streamed_words: int | None = None, titles: Mapping[str, str] | None = None
                    ) -> list[dict]:
    """The assistant messages for one answer: the reply and a collapsed Sources message.

    ``streamed_words`` cuts the reply to its first N words (for streaming); the Sources message
    is added only once the reply is complete. ``titles`` (document key -> title) is given when the
    chat serves a collection: every source then names its document.
    """
    body = answer_markdown(answer)
    if streamed_words is not None:
        words = body.split(" ")
        if streamed_words < len(words):
            # Never cut inside the <span ...> of a refusal: refusals are sent whole.
            if answer.abstained:
                return [{"role": "assistant", "content": body}]
            return [{"role": "assistant", "content": " ".join(words[:streamed_words])}]
    messages = [{"role": "assistant", "content": body}]
    if answer.abstained:
        if answer.passages:
            messages.append({"role": "assistant", "content": nearest_markdown(answer, titles=titles),
                             "metadata": {"title": NEAREST_TITLE, "status": "done"}})
    elif answer.citations:
        messages.append({"role": "assistant", "content": sources_markdown(answer, titles),
                         "metadata": {"title": f"{SOURCES_TITLE} ({len(answer.citations)})", "status": "done"}})
    return messages
