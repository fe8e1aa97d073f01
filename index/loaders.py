"""Read a document file from disk into a :class:`Document`."""
from __future__ import annotations

import hashlib
from pathlib import Path

from .document import Document
from .errors import DocumentError
from .parse_text import parse_text

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text", ""}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
PDF_SUFFIXES = {".pdf"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | PDF_SUFFIXES
MAX_BYTES = 50 * 1024 * 1024


def read_bytes(path: Path) -> bytes:
    """The file's bytes, or a :class:`DocumentError` naming the problem."""
    path = Path(path)
    if not path.exists():
        raise DocumentError(f"document not found: {path}")
    if path.is_dir():
        raise DocumentError(f"expected a document file, got a directory: {path}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > MAX_BYTES:
        raise DocumentError(f"{path.name} is larger than {MAX_BYTES // 2**20} MB")
    return data


def checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), falling back to cp1252 for legacy files; never raises."""
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        data = data.replace(b"\x00", b"")
    for enc in ("utf-8-sig", "utf-16") if data.startswith((b"\xff\xfe", b"\xfe\xff")) else ("utf-8-sig",):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace")


def load_document(path: Path) -> tuple[Document, str]:
    """Parse a document file; returns the document and the checksum of its bytes."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise DocumentError(f"unsupported file type {path.suffix!r} for {path.name}; use .txt, .md, .html or .pdf")
    data = read_bytes(path)
    if suffix in HTML_SUFFIXES:
        from .formats import html_to_markdown

        text = html_to_markdown(decode(data))
    elif suffix in PDF_SUFFIXES:
        from .formats import pdf_to_text

        text = pdf_to_text(data, path.name)
    else:
        text = decode(data)
    doc = parse_text(text, source=str(path))
    if not any(s.paragraphs for s in doc.sections) and not doc.footnotes:
        raise DocumentError(f"{path.name} has no text to index")
    return doc, checksum(data)
