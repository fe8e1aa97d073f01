"""Property-based: the document parser and loader never let an exception escape.

Every input gives a Document (whose text is clean: no control characters, no lone surrogates,
every sentence span inside its paragraph) or, from ``load_document``, a one-line DocumentError.
Counts go to eval/results/robustness.md.
"""
from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eval import robustness
from index import DocumentError, ReportQAError, chunk_document, load_document, parse_text

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))

NASTY = ["\x00", "\x1b[31m", "\u202e", "\ufeff", "\ud800", "\udfff", "\u200b", "\r", "\r\n", "\x0b", "\x0c",
         "\x85", "\u2028", "\u2029", "¹", "²³", "[^7]", ".12", "”.3", "#", "## ", "1. ", "[^1]: ", "\t", "\n\n"]
pieces = st.one_of(st.text(max_size=20), st.sampled_from(NASTY),
                   st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF, codec=None, categories=["Cs"]))
junk_text = st.lists(pieces, max_size=100).map("".join)

WORDS = ["The", "army", "said", "on", "17", "March", "that", "civilians", "were", "killed", "in", "Boura",
         "Mali", "report", "children", "schools", "closed", "é", "ç", "—", "“quoted”", "(see", "note)"]


@st.composite
def structured_docs(draw) -> str:
    """Documents built from random blocks: headings, paragraphs with footnote markers (cited
    or dangling), footnote blocks (used or never cited), blank-line runs."""
    blocks = []
    for _ in range(draw(st.integers(0, 25))):
        kind = draw(st.sampled_from(["heading", "md-heading", "para", "para-marker", "blank", "junk"]))
        if kind == "heading":
            blocks.append(" ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=6))).capitalize())
        elif kind == "md-heading":
            blocks.append("#" * draw(st.integers(1, 7)) + " " + draw(st.sampled_from(WORDS)))
        elif kind in ("para", "para-marker"):
            sent = " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=40)))
            if kind == "para-marker":
                sent += draw(st.sampled_from([".", "”.", ",", ")"])) + str(draw(st.integers(0, 1000)))
            blocks.append(sent + draw(st.sampled_from([".", "", "!", "?"])))
        elif kind == "blank":
            blocks.append("\n" * draw(st.integers(0, 50)))
        else:
            blocks.append(draw(junk_text))
    notes = draw(st.lists(st.integers(0, 999), max_size=10))
    if notes:
        blocks.append("Notes")
        blocks.append("\n".join(f"{n}. Note number {n} https://example.org/{n}" for n in notes))
    return "\n\n".join(blocks)


def check_document(doc) -> None:
    assert doc.title and isinstance(doc.title, str)
    for section, p in doc.paragraphs():
        for text in (p.text, section.title):
            assert all(ch in "\n\t\u200d" or unicodedata.category(ch)[0] != "C" for ch in text), repr(text)
            text.encode("utf-8")  # no lone surrogate survives
        for s in p.sentences:
            assert 0 <= s.start <= s.end <= len(p.text)
            assert p.text[s.start:s.end] == s.text
            assert all(n in doc.footnotes for n in s.footnotes)  # a dangling marker cites nothing
    chunks = chunk_document(doc)
    assert len({c.id for c in chunks}) == len(chunks)


@SETTINGS
@given(junk_text)
def test_random_unicode_and_control_chars_parse(text):
    check_document(parse_text(text))
    robustness.tried("parser: random Unicode, control chars, lone surrogates", "document")


@SETTINGS
@given(structured_docs())
def test_structured_documents_parse(text):
    check_document(parse_text(text, source="random.md"))
    robustness.tried("parser: random headings/paragraphs/markers/footnotes", "document")


def _load(tmp: Path, name: str, data: bytes) -> str:
    path = tmp / name
    path.write_bytes(data)
    try:
        doc, sha = load_document(path)
    except DocumentError as exc:
        msg = str(exc)
        assert msg and "\n" not in msg and len(msg) < 300
        return "one-line error"
    check_document(doc)
    assert len(sha) == 64
    return "document"


@SETTINGS
@given(st.binary(max_size=4000))
def test_random_bytes_load(tmp_path_factory, data):
    tmp = tmp_path_factory.mktemp("bytes")
    robustness.tried("loader: random bytes (invalid UTF-8)", _load(tmp, "doc.txt", data))


@SETTINGS
@given(st.binary(max_size=2000), st.sampled_from([".html", ".pdf", ".md"]))
def test_random_bytes_as_html_pdf_md(tmp_path_factory, data, suffix):
    tmp = tmp_path_factory.mktemp("bytes")
    robustness.tried("loader: random bytes as .html/.pdf/.md", _load(tmp, "doc" + suffix, data))


FOOTNOTE = "1. A note that nothing cites.\n2. Another orphan note."
SHAPES = {
    "10,000 empty lines": "\n" * 10_000,
    "10,000 empty lines around one paragraph": "\n" * 5000 + "Title\n\nThe army left Boura in May." + "\n" * 5000,
    "headings only": "\n\n".join(f"Heading number {i}" for i in range(500)),
    "markdown headings only": "\n\n".join(f"{'#' * (1 + i % 6)} Part {i}" for i in range(500)),
    "footnote markers, no footnotes": "Title\n\n" + " ".join(f"Claim {i} was made.{i}" for i in range(1, 300)),
    "footnotes never cited": "Title\n\nSection\n\nA paragraph with no marker at all.\n\nNotes\n\n" + FOOTNOTE,
    "only footnotes": FOOTNOTE,
    "one huge paragraph (1 MB)": "Title\n\n" + ("The council met in Bamako and agreed on a plan. " * 21_000),
    "one huge line without spaces (1 MB)": "x" * 1_000_000,
    "invalid UTF-8 bytes": b"Title\n\nCaf\xe9 \xff\xfe broken \xc3\x28 bytes \xed\xa0\x80 here.\n",
    "UTF-16 with BOM": "\ufeffTitle\n\nA paragraph in UTF-16.\n".encode("utf-16"),
    "NUL bytes everywhere": b"T\x00i\x00t\x00l\x00e\x00\n\n" + b"\x00" * 10_000,
    "empty file": b"",
}


@pytest.mark.parametrize("shape", list(SHAPES))
def test_shapes_parse_and_load(tmp_path, shape):
    data = SHAPES[shape]
    if isinstance(data, str):
        check_document(parse_text(data))
        data = data.encode("utf-8")
    outcome = _load(tmp_path, "doc.txt", data)
    robustness.tried("documents: hard shapes", outcome)
    if shape in ("empty file", "10,000 empty lines", "NUL bytes everywhere"):
        assert outcome == "one-line error"


def test_unsupported_and_missing_files_are_one_line_errors(tmp_path):
    for path in (tmp_path / "nope.txt", tmp_path, tmp_path / "x.docx"):
        if path.suffix == ".docx":
            path.write_bytes(b"PK\x03\x04")
        with pytest.raises(ReportQAError) as err:
            load_document(path)
        assert "\n" not in str(err.value)
        robustness.tried("documents: hard shapes", "one-line error")
