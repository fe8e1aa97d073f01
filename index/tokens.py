"""Word tokens for lexical search and term matching: lower-cased, accent-folded, stemmed."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer

STOPWORDS = frozenset("""
a about above after again against all also am an and any are aren't as at be because been before
being below between both but by can could did do does doing down during each few for from further
had has have having he her here hers herself him himself his how i if in into is it its itself
just me more most my myself no nor not now of off on once only or other our ours ourselves out over
own same she should so some such than that the their theirs them themselves then there these they
this those through to too under until up very was we were what when where which while who whom why
will with would you your yours yourself yourselves s t d ll m re ve y
""".split())

_WORD = re.compile(r"\d[\d,.]*\d|\w+", re.UNICODE)
_stemmer = Stemmer.Stemmer("english")


@lru_cache(maxsize=1)
def _drop_combining() -> dict[int, int | None]:
    """A ``str.translate`` table deleting every combining mark (built once: the same marks
    ``unicodedata.combining`` names, dropped by one C loop instead of a Python one per char)
    and straightening the curly apostrophe."""
    marks = {cp: None for cp in range(0x300, 0x30000) if unicodedata.combining(chr(cp))}
    marks.update({cp: None for cp in range(0xE0000, 0xE1000) if unicodedata.combining(chr(cp))})
    marks[ord("’")] = ord("'")
    return marks


@lru_cache(maxsize=16384)
def fold(text: str) -> str:
    """Lower-case and strip accents: "Ségou" and "segou" meet."""
    if text.isascii():
        return text.lower()
    return unicodedata.normalize("NFKD", text.lower()).translate(_drop_combining())


@lru_cache(maxsize=16384)
def words(text: str) -> tuple[str, ...]:
    """Folded word tokens; numbers keep their digits only ("331,000" -> "331000"). Cached:
    the same chunk texts are tokenised for every question."""
    out = []
    for w in _WORD.findall(fold(text)):
        if w[0].isdigit():
            w = w.replace(",", "").rstrip(".")
        out.append(w)
    return tuple(out)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return _stemmer.stemWord(word)


@lru_cache(maxsize=16384)
def terms(text: str) -> tuple[str, ...]:
    """Stemmed content terms (stopwords removed) for BM25 and overlap checks."""
    return tuple(stem(w) for w in words(text) if w not in STOPWORDS and w != "_")
