"""A PDF's text laid out again from its typography: headings from font size and weight,
paragraphs from line spacing (joined across page breaks), footnote markers from superscripts,
endnotes one per line, page numbers and running headers dropped.

pypdf's ``extract_text`` gives each visual line; its ``visitor_text`` callback also gives each
run's font, size and position, which is all a report's layout needs. The output is Markdown
(``#`` headings) for :func:`~index.parse_text.parse_text`; ``None`` when the PDF shows no
typographic headings (one size, no bold), so the caller falls back to plain-text rules.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from .parse_text import NOTES_HEADINGS

_NOTE_START = re.compile(r"^(?:\[(\d{1,3})\]|(\d{1,3})[.)])\s+\S")
_SENTENCE_END = re.compile(r"[.!?:;”\"’)]\s*$")


@dataclass
class _Line:
    page: int
    y: float
    size: float  # the line's main font size (most characters)
    bold: bool  # every character bold
    text: str = ""
    chars: Counter = field(default_factory=Counter)


def _lines(reader) -> list[_Line]:
    lines: list[_Line] = []
    for page_no, page in enumerate(reader.pages):
        current: list[_Line] = []

        def visit(text, cm, tm, font, size, page_no=page_no, current=current):
            if not text or not text.strip():
                return
            scale = abs(tm[3] * cm[3]) or abs(tm[0] * cm[0]) or 1.0
            eff = round(float(size) * scale, 1)
            y = float(tm[5] * cm[3] + cm[5])
            name = str((font or {}).get("/BaseFont", ""))
            bold = "bold" in name.lower() or "black" in name.lower() or "heavy" in name.lower()
            last = current[-1] if current else None
            if last is not None and abs(last.y - y) < 0.6 * max(eff, last.size):
                if eff < 0.85 * last.size and text.strip().isdigit():
                    last.text = last.text.rstrip() + text.strip()  # a superscript note marker: "prison.3"
                    return
                last.text += text
                last.bold = last.bold and bold
                last.chars[(eff, bold)] += len(text.strip())
                return
            line = _Line(page_no, y, eff, bold, text)
            line.chars[(eff, bold)] += len(text.strip())
            current.append(line)

        try:
            page.extract_text(visitor_text=visit)
        except Exception:  # a page pypdf cannot walk loses its layout, not the document
            continue
        for line in current:
            line.text = re.sub(r"\s+", " ", line.text).strip()
            if line.chars:
                (line.size, _), _ = line.chars.most_common(1)[0]
        lines.extend(ln for ln in current if ln.text)
    return lines


def _drop_furniture(lines: list[_Line], pages: int) -> list[_Line]:
    """Page numbers and lines repeated on most pages (running headers and footers)."""
    repeated = Counter(re.sub(r"\d+", "#", ln.text) for ln in lines)
    def furniture(ln: _Line) -> bool:
        if re.fullmatch(r"(?:page\s*)?\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?", ln.text, re.I):
            return True
        return pages >= 3 and repeated[re.sub(r"\d+", "#", ln.text)] >= max(3, pages * 0.6) and len(ln.text) < 80
    return [ln for ln in lines if not furniture(ln)]


def layout_markdown(reader) -> str | None:
    """The PDF as Markdown rebuilt from its typography, or None when it has no heading styles."""
    lines = _drop_furniture(_lines(reader), len(reader.pages))
    if not lines:
        return None
    weight = Counter()
    for ln in lines:
        weight[ln.size] += len(ln.text)
    body = weight.most_common(1)[0][0]
    def is_heading(ln: _Line) -> bool:
        if ln.size >= 1.12 * body:  # a bigger type: a title may even end "…Human Rights;"
            return len(ln.text) <= 160
        # body-sized bold: a run-in bold sentence is no heading
        return ln.bold and ln.size >= 0.95 * body and len(ln.text) <= 120 and not re.search(r"[.,;:]$", ln.text)
    styles = sorted({(ln.size, ln.bold) for ln in lines if is_heading(ln)}, key=lambda s: (-s[0], not s[1]))
    if not styles:
        return None
    level = {style: min(i + 1, 6) for i, style in enumerate(styles)}
    # Line spacing inside a paragraph: the usual gap between consecutive body lines of a page.
    gaps = [round(a.y - b.y, 1) for a, b in zip(lines, lines[1:])
            if a.page == b.page and a.size == b.size == body and not is_heading(a) and not is_heading(b) and a.y > b.y]
    step = Counter(gaps).most_common(1)[0][0] if gaps else 1.2 * body
    full = sorted(len(ln.text) for ln in lines if ln.size == body)
    full_len = full[int(len(full) * 0.8)] if full else 80

    blocks: list[tuple[str, str]] = []  # (kind, text): "h1".."h6", "p", "note"
    in_notes = False
    prev: _Line | None = None
    for ln in lines:
        if is_heading(ln):
            kind = f"h{level[(ln.size, ln.bold)]}"
            if blocks and blocks[-1][0] == kind and prev is not None and prev.page == ln.page \
                    and 0 < prev.y - ln.y < 1.6 * ln.size:
                blocks[-1] = (kind, f"{blocks[-1][1]} {ln.text}")  # a heading wrapped over two lines
            else:
                blocks.append((kind, ln.text))
            in_notes = ln.text.strip(" :").lower() in NOTES_HEADINGS
            prev = ln
            continue
        note = _NOTE_START.match(ln.text) and (in_notes or ln.size < 0.95 * body)
        if note:
            blocks.append(("note", ln.text))
        elif blocks and blocks[-1][0] in ("p", "note") and prev is not None and not is_heading(prev) \
                and _continues(prev, ln, step, full_len, blocks[-1][0]):
            text = blocks[-1][1]
            joined = text[:-1] + ln.text if text.endswith("-") and ln.text[:1].islower() else f"{text} {ln.text}"
            blocks[-1] = (blocks[-1][0], joined)
        else:
            blocks.append(("p", ln.text))
        prev = ln
    out: list[str] = []
    notes: list[str] = []
    for kind, text in blocks:
        if kind == "note":
            notes.append(text)
        elif kind.startswith("h"):
            out.append(f"{'#' * int(kind[1:])} {text}")
        else:
            out.append(text)
    if out and not out[0].startswith("# "):
        out[0] = "# " + out[0].lstrip("# ")
    if notes:
        out.append("\n".join(notes))
    return "\n\n".join(out)


def _continues(prev: _Line, ln: _Line, step: float, full_len: int, kind: str) -> bool:
    """Does ``ln`` carry on the paragraph (or note) ``prev`` belongs to?"""
    if ln.size != prev.size and kind == "p":
        return False
    if ln.page != prev.page:  # across a page break: the last line ran to the margin, or this one starts lowercase
        return len(prev.text) >= 0.8 * full_len or ln.text[:1].islower()
    gap = prev.y - ln.y
    if gap <= 0 or gap > 1.3 * step:
        return False
    # a short line that ends a sentence ends its paragraph
    return not (len(prev.text) < 0.7 * full_len and _SENTENCE_END.search(prev.text))
