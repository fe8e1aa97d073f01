"""Parse plain text or Markdown into a :class:`Document`.

Plain-text rules (the shape of an Amnesty country chapter): blocks are separated by blank
lines; a heading is a short single-line block without final punctuation; the first block is
the title and the paragraphs before the first heading are the summary; numbered notes at the
end are footnotes, cited in the body by digits glued after punctuation (``“propaganda”.1``).
Markdown ``#`` headings give explicit levels.
"""
from __future__ import annotations

import re
import unicodedata

from .document import Document, Footnote, Paragraph, Section, Sentence
from .sentences import split_sentences

_FOOTNOTE_LINE = re.compile(r"^\s*(?:\[\^?(\d{1,3})\]:?|(\d{1,3})[.)])\s+(.+?)\s*$")
NOTES_HEADINGS = {"notes", "footnotes", "endnotes", "references", "sources"}
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_SUPERSCRIPTS = {"¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6", "⁷": "7", "⁸": "8", "⁹": "9", "⁰": "0"}
# A marker: digits glued after closing punctuation that itself follows a non-digit
# ("October.2", "“propaganda”.1"), a Markdown [^n], or Unicode superscript digits.
_MARKER = re.compile(
    r"(?<=[^\d\s][.,;:!?”\"’')\]])(\d{1,3})(?=\s|$)"
    r"|\[\^?(\d{1,3})\]"
    r"|([¹²³⁴⁵⁶⁷⁸⁹⁰]+)"
)
_BACKREF = re.compile(r"\s*↩[\ufe0e\ufe0f]?\s*")
# "may" is left out: as a verb it is far more common than the month in a lead sentence.
_MONTHS = ("january february march april june july august september october november december").split()


def clean_text(text: str) -> str:
    """Normalise line ends and Unicode, drop control characters and lone surrogates."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.encode("utf-8", "replace").decode("utf-8")
    text = unicodedata.normalize("NFC", text)
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C" or ch in "\u200d")


def _blocks(text: str) -> list[list[str]]:
    blocks, current = [], []
    for line in text.split("\n"):
        if line.strip():
            current.append(line.rstrip())
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


# A numbered heading: "3. Findings", "3.1 Recruitment fees" (its depth gives its level).
_NUMBERED_HEADING = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)\.?\s+[A-ZÀ-Þ]")
# A note marker at the end of a line: "Source: annual statistics.[6]", "…the year.3"
_TRAILING_MARKER = re.compile(r"(?:(?<=[.,;:!?”\"’')\]])\d{1,3}|\[\^?\d{1,3}\])$")


def _item_number(line: str) -> int | None:
    """The number a note or list line opens with ("3. …", "[3] …"); None for any other line."""
    m = _FOOTNOTE_LINE.match(line)
    return int(m.group(1) or m.group(2)) if m else None


def _in_sequence(n: int, prev_block: list[str] | None, next_block: list[str] | None) -> bool:
    """Whether item ``n`` of a numbered list stands here: the block before is item n-1 or the
    one after is item n+1 ("1. Ban fees" / "2. Inspect dormitories")."""
    def number(block: list[str] | None) -> int | None:
        return _item_number(block[0].strip()) if block else None
    return number(prev_block) == n - 1 or number(next_block) == n + 1


def _is_plain_heading(lines: list[str], next_block: list[str] | None = None,
                      prev_block: list[str] | None = None) -> bool:
    """A short single line without final punctuation (a note marker after it does not hide a
    full stop). A numbered line ("2. Methodology") is a heading unless it is an item of a
    numbered list (see :func:`_in_sequence`)."""
    if len(lines) != 1:
        return False
    line = lines[0].strip()
    words = line.split()
    unmarked = _TRAILING_MARKER.sub("", line)
    number = _item_number(line)
    if number is not None and not (_NUMBERED_HEADING.match(line) and len(words) <= 8
                                   and not _in_sequence(number, prev_block, next_block)):
        return False
    return (
        0 < len(words) <= 12
        and len(line) <= 100
        and not unmarked.endswith((".", ",", ";", ":", "…", "!", "?", "”", '"'))
        and (line[0].isupper() or line[0].isdigit())
    )


_RULE_LINE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:[|+]\s*:?-{3,}:?\s*)*\|?\s*$")


def _table_text(block: list[str]) -> str:
    """A pipe table (a header, a ``---+---`` rule, rows) as one sentence per row that names each
    value by its column: "2022: Complaints received 1,540; Complaints resolved 512." A row read
    as a run of numbers says nothing a question can find. "" when the block is no such table."""
    if len(block) < 3 or not _RULE_LINE.match(block[1]) or block[0].count("|") < 1:
        return ""
    def cells(line: str) -> list[str]:
        return [c.strip() for c in line.strip().strip("|").split("|")]
    header = cells(block[0])
    rows = [cells(line) for line in block[2:] if "|" in line and not _RULE_LINE.match(line)]
    if not rows or any(len(r) != len(header) for r in rows):
        return ""
    out = []
    for row in rows:
        pairs = "; ".join(f"{h} {v}" for h, v in zip(header[1:], row[1:]) if v)
        out.append(f"{row[0]}: {pairs}." if pairs else f"{row[0]}.")
    return " ".join(out)


def _numbered_level(heading: str) -> int | None:
    """"3. Findings" -> 2, "3.1 Recruitment fees" -> 3; None for an unnumbered heading."""
    m = _NUMBERED_HEADING.match(heading)
    return 1 + len(m.group(1).split(".")) if m else None


def _split_footnotes(blocks: list[list[str]]) -> tuple[list[list[str]], dict[int, Footnote]]:
    """Peel numbered-note blocks (and a 'Notes' heading) off the end of the document."""
    notes: dict[int, Footnote] = {}
    style = None  # "[^n]:" or "n." notes: a numbered list above Markdown notes is the body's list
    while blocks and all(_FOOTNOTE_LINE.match(line) for line in blocks[-1]) and len(blocks) > 1:
        found = [_FOOTNOTE_LINE.match(line) for line in blocks[-1]]
        styles = {m.group(1) is not None for m in found}
        numbers = [int(m.group(1) or m.group(2)) for m in found]
        # ("1. To the Ministry: …" recommendations above "[^1]: Letter…" are not notes 1–6 again)
        if len(styles) > 1 or style is not None and styles != {style} or set(numbers) & set(notes):
            break
        style = styles.pop()
        blocks.pop()
        for m, number in zip(found, numbers):
            notes[number] = Footnote(number, _BACKREF.sub(" ", m.group(3)).strip())
    if notes and blocks and len(blocks[-1]) == 1 and blocks[-1][0].strip(" #:").lower() in NOTES_HEADINGS:
        blocks.pop()
    return blocks, dict(sorted(notes.items()))


def strip_markers(raw: str, known: set[int]) -> tuple[str, list[tuple[int, int]]]:
    """Remove footnote markers whose number is a known footnote.

    Returns the clean text and (position in clean text, footnote number) for each marker.
    """
    out, found, last = [], [], 0
    for m in _MARKER.finditer(raw):
        digits = m.group(1) or m.group(2) or "".join(_SUPERSCRIPTS[c] for c in m.group(3))
        number = int(digits)
        if number not in known:
            continue
        out.append(raw[last:m.start()])
        last = m.end()
        found.append((sum(len(p) for p in out), number))
    out.append(raw[last:])
    return "".join(out), found


def _make_paragraph(raw: str, number: int, known: set[int]) -> Paragraph:
    text, markers = strip_markers(raw, known)
    sentences = []
    for start, end in split_sentences(text):
        cites = tuple(n for pos, n in markers if start < pos <= end + 1)
        sentences.append(Sentence(text[start:end], start, end, cites))
    # A marker after trailing spaces still belongs to the last sentence.
    assigned = {n for s in sentences for n in s.footnotes}
    if sentences and any(n not in assigned for _, n in markers):
        last = sentences[-1]
        extra = tuple(n for _, n in markers if n not in assigned)
        sentences[-1] = Sentence(last.text, last.start, last.end, last.footnotes + extra)
    return Paragraph(text=text, raw=raw, number=number, sentences=sentences,
                     footnotes=tuple(dict.fromkeys(n for _, n in markers)))


def _is_lead(paragraph: str) -> bool:
    """A general statement (no dates, figures or names) of one or two sentences: the lead of a
    parent section whose subsections follow."""
    low = paragraph.lower()
    names = re.findall(r"(?<=[\w,;] )[A-Z]\w+", paragraph)
    return (not re.search(r"\d", paragraph) and not any(re.search(rf"\b{m}\b", low) for m in _MONTHS)
            and not names and len(split_sentences(paragraph)) <= 2)


def _infer_plain_levels(items: list[tuple[str, list[str]]]) -> list[int]:
    """Levels for plain-text headings (no markup says which are subsections).

    A heading whose whole body is one lead paragraph (no date, no figure) and that is followed
    by another heading introduces subsections; they continue while the headings stay short
    labels (at most three words, no comma), the form sub-headings take in these reports.
    """
    levels = [2] * len(items)
    i = 0
    while i < len(items) - 1:
        title, body = items[i]
        if len(body) == 1 and _is_lead(body[0]):
            j = i + 1
            while j < len(items) and len(items[j][0].split()) <= 3 and "," not in items[j][0] and items[j][1]:
                levels[j] = 3
                j += 1
            i = max(j, i + 1)
        else:
            i += 1
    return levels


def parse_text(text: str, source: str = "") -> Document:
    """Parse a plain-text or Markdown document. Never raises on odd input."""
    blocks = _blocks(clean_text(text))
    blocks, footnotes = _split_footnotes(blocks)
    known = set(footnotes)
    markdown = any(_MD_HEADING.match(b[0]) for b in blocks if len(b) == 1)

    title = ""
    if blocks and len(blocks[0]) == 1 and (len(blocks[0][0]) <= 200):
        m = _MD_HEADING.match(blocks[0][0])
        if m or _is_plain_heading(blocks[0]) or len(blocks) > 1:
            title = (m.group(2) if m else blocks[0][0]).strip()
            blocks = blocks[1:]
    title = title or (source.rsplit("/", 1)[-1] if source else "Document")

    # Gather (heading, level or None, [paragraph raw texts]) in order.
    items: list[tuple[str, int | None, list[str]]] = [(title, 1, [])]
    for i, block in enumerate(blocks):
        m = _MD_HEADING.match(block[0]) if len(block) == 1 else None
        if m and markdown:
            items.append((m.group(2).strip(), len(m.group(1)), []))
        elif not markdown and _is_plain_heading(block, blocks[i + 1] if i + 1 < len(blocks) else None,
                                                blocks[i - 1] if i else None):
            items.append((block[0].strip(), _numbered_level(block[0].strip()), []))
        else:
            raw = _table_text(block) or " ".join(line.strip() for line in block)
            body = items[-1][2]
            if body and body[-1].rstrip().endswith(":"):
                # "Complaints rose sharply:" and the table or list it introduces are one paragraph.
                body[-1] = f"{body[-1]} {raw}"
            else:
                body.append(raw)

    plain = [(t, body) for t, lvl, body in items[1:] if lvl is None]
    plain_levels = iter(_infer_plain_levels(plain))
    sections: list[Section] = []
    stack: list[tuple[int, str]] = []
    for index, (heading, level, body) in enumerate(items):
        if level is None:
            level = next(plain_levels)
        if index == 0:
            path: tuple[str, ...] = (heading,)
        else:
            level = max(level, 2)
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, heading))
            path = tuple(h for _, h in stack)
        paragraphs = [_make_paragraph(raw, n, known) for n, raw in enumerate(body, 1)]
        paragraphs = [p for p in paragraphs if p.text.strip()]
        sections.append(Section(title=heading, level=level, path=path, paragraphs=paragraphs))
    return Document(title=title, sections=sections, footnotes=footnotes, source=source)
