"""Rule-based sentence splitting that keeps character spans."""
from __future__ import annotations

import re

# Tokens that end with a period without ending a sentence.
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "st", "no", "gen", "col", "lt", "capt", "sgt", "prof", "jr", "sr",
    "vs", "etc", "e.g", "i.e", "u.s", "u.n", "u.k", "inc", "co", "ltd", "art", "para", "paras",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "approx",
    "fig", "vol", "pp", "p", "cf", "al", "mt", "ft", "rev", "hon", "gov", "sen", "rep",
}

_BOUNDARY = re.compile(r"[.!?]+[\"”’')\]]*\s+(?=[\"“‘(\[]?[A-Z0-9À-ÖØ-Þ])")
_WORD_BEFORE = re.compile(r"([\w.]+)$")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return (start, end) spans of the sentences of ``text``; spans exclude surrounding blanks."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        head = text[start:m.start()]
        word = _WORD_BEFORE.search(head)
        token = word.group(1).lower() if word else ""
        # An initial ("A. Traoré") or a known abbreviation does not end the sentence.
        if token.rstrip(".") in _ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
            continue
        end = m.end()
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((start, end))
        start = m.end()
    tail_end = len(text.rstrip())
    if tail_end > start:
        spans.append((start, tail_end))
    return [(s + (len(text[s:e]) - len(text[s:e].lstrip())), e) for s, e in spans if text[s:e].strip()]
