"""HTML and PDF to the Markdown dialect :func:`parse_text` reads (``#`` headings, ``[^n]`` notes).

Both converters reuse the text parser, so sections, paragraphs, sentences and footnotes come out
of one set of rules whatever the file format.

* HTML (BeautifulSoup): ``<h1>``–``<h6>`` give heading levels; ``<p>``, ``<li>``, ``<blockquote>``,
  ``<td>`` give paragraphs; a ``<sup>`` holding a number, or a link to ``#fn…``/``#note…``/
  ``#endnote…``, is a footnote marker; the notes themselves are list items with such an id, or
  the items of a list inside an element whose id/class says footnotes/endnotes/notes.
* PDF (pypdf): text per page; outline (bookmark) titles become headings where the outline
  exists, else the plain-text heading rules apply.
"""
from __future__ import annotations

import io
import re

from .pdf_layout import layout_markdown
from .errors import DocumentError

_NOTE_ID = re.compile(r"^(?:fn|footnote|note|endnote|en|ftn)[-_:]?(\d{1,3})$", re.I)
_NOTE_HREF = re.compile(r"#(?:fn|footnote|note|endnote|en|ftn)[-_:]?(\d{1,3})$", re.I)
_NOTES_BOX = re.compile(r"foot-?notes?|end-?notes?|^notes$|references", re.I)
_BLOCKS = ("p", "li", "blockquote", "td", "dd", "pre", "figcaption")
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def html_to_markdown(html: str) -> str:
    """Headings, paragraphs and footnotes of an HTML page as Markdown text."""
    try:
        from bs4 import BeautifulSoup
    except ImportError:  # pragma: no cover - a declared dependency
        raise DocumentError("reading HTML needs beautifulsoup4: pip install beautifulsoup4") from None
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "noscript", "template", "nav", "header", "footer", "form", "svg"]):
        if tag.name in ("header", "footer") and tag.find(_HEADINGS + ("p",)) and tag.find_parent("article"):
            continue  # an article's own header holds its title
        tag.decompose()

    # Notes: <li id="fn1"> anywhere, or the <li>s of a footnotes/endnotes box.
    notes: dict[int, str] = {}
    note_tags = []
    for box in soup.find_all(lambda t: any(_NOTES_BOX.search(v) for v in (t.get("id") or "",
                                                                          *(t.get("class") or [])))):
        for k, li in enumerate(box.find_all("li"), 1):
            m = _NOTE_ID.match(li.get("id") or "")
            notes.setdefault(int(m.group(1)) if m else k, "")
            note_tags.append((int(m.group(1)) if m else k, li))
        note_tags.append((None, box))
    for li in soup.find_all(id=_NOTE_ID):
        if li.name in ("li", "p", "div") and all(li is not t for _, t in note_tags):
            note_tags.append((int(_NOTE_ID.match(li["id"]).group(1)), li))
    for number, tag in note_tags:
        if number is not None:
            for back in tag.find_all("a", href=re.compile(r"^#(?:fnref|ref)", re.I)):
                back.decompose()
            notes[number] = _squash(tag.get_text(" "))
    for number, tag in note_tags:
        if number is None or tag.parent is not None:
            tag.extract()

    # Markers: <sup>3</sup>, <sup><a href="#fn3">3</a></sup>, <a href="#fn3">[3]</a>.
    for a in soup.find_all("a", href=_NOTE_HREF):
        number = int(_NOTE_HREF.search(a["href"]).group(1))
        target = a.parent if a.parent is not None and a.parent.name == "sup" else a
        target.replace_with(f"[^{number}]")
    for sup in soup.find_all("sup"):
        digits = _squash(sup.get_text()).strip("[]()")
        if digits.isdigit() and (not notes or int(digits) in notes):
            sup.replace_with(f"[^{int(digits)}]")

    lines: list[str] = []
    root = soup.body or soup
    for tag in root.find_all(_HEADINGS + _BLOCKS):
        if tag.name in _BLOCKS and tag.find_parent(_BLOCKS):
            continue  # a <p> inside an <li> is read with its item
        text = _squash(tag.get_text(" "))
        text = re.sub(r"\s+(\[\^\d+\])", r"\1", text)
        if not text:
            continue
        if tag.name in _HEADINGS:
            lines.append(f"{'#' * int(tag.name[1])} {text}")
        else:
            lines.append(text)
    if not lines:  # no block markup at all: the page's text, paragraph per line
        lines = [_squash(t) for t in root.get_text("\n").split("\n") if _squash(t)]
    if not any(line.startswith("#") for line in lines):
        title = _squash(soup.title.get_text()) if soup.title else ""
        if title:
            lines.insert(0, f"# {title}")
    lines += [f"[^{n}]: {t}" for n, t in sorted(notes.items()) if t]
    return "\n\n".join(lines)


def pdf_to_text(data: bytes, name: str) -> str:
    """The text of a PDF as Markdown: laid out from its typography (``pdf_layout``) when it has
    heading styles, else plain text with outline titles marked as headings when there is an outline."""
    try:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError
    except ImportError:  # pragma: no cover - a declared dependency
        raise DocumentError("reading PDF needs pypdf: pip install pypdf") from None
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                reader.decrypt("")
            except Exception:
                raise DocumentError(f"{name} is encrypted") from None
        pages = [page.extract_text() or "" for page in reader.pages]
    except DocumentError:
        raise
    except (PdfReadError, Exception) as exc:  # pypdf raises many types on broken files
        raise DocumentError(f"cannot read {name} as a PDF ({type(exc).__name__})") from None
    try:
        laid_out = layout_markdown(reader)  # headings from font size and weight, when the PDF has them
    except Exception:  # layout is a refinement: the plain text below still reads the document
        laid_out = None
    if laid_out:
        return laid_out
    outline: list[tuple[str, int]] = []

    def walk(items, depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                title = _squash(getattr(item, "title", "") or "")
                if title:
                    outline.append((title, depth))

    try:
        walk(reader.outline, 1)
    except Exception:
        outline = []
    text = "\n\n".join(_reflow(p) for p in pages)
    if outline:
        levels = {fold_title(t): min(d + 1, 6) for t, d in outline}
        out = []
        for block in text.split("\n\n"):
            key = fold_title(block)
            out.append(f"{'#' * levels[key]} {_squash(block)}" if key in levels else block)
        if out and out[0].startswith("#"):
            out[0] = "# " + out[0].lstrip("# ")  # the first heading is the title
        else:
            meta_title = (reader.metadata.title if reader.metadata else None) or name.rsplit(".", 1)[0]
            out.insert(0, f"# {_squash(str(meta_title))}")
        text = "\n\n".join(out)
    return text


def fold_title(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().lower()


def _reflow(page: str) -> str:
    """PDF text has a line break at every visual line: join lines into paragraphs.

    A line ends a paragraph when it is short (well under the page's usual width) or ends a
    sentence and the next line starts with a capital; a short line standing alone (a heading)
    stays a block of its own.
    """
    lines = [ln.rstrip() for ln in page.replace("\r", "").split("\n")]
    widths = sorted(len(ln) for ln in lines if ln.strip())
    if not widths:
        return ""
    full = widths[int(len(widths) * 0.8)]
    blocks: list[list[str]] = []
    current: list[str] = []
    for ln in lines:
        if not ln.strip():
            if current:
                blocks.append(current)
                current = []
            continue
        current.append(ln.strip())
        if len(ln.strip()) < 0.6 * full:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    out = []
    for b in blocks:
        joined = ""
        for ln in b:
            if joined.endswith("-") and ln[:1].islower():
                joined = joined[:-1] + ln
            else:
                joined = f"{joined} {ln}".strip()
        out.append(joined)
    return "\n\n".join(out)
