"""Is a quote really about the question? Term coverage with word-level synonyms.

A similarity threshold alone cannot tell an on-topic unanswerable question from an answerable
one, so every content word of the question must find itself in the quoted passage, literally
(same stem) or as a near synonym by the word model ("kids" ~ "children").
"""
from __future__ import annotations

import numpy as np

from index import STOPWORDS, Embedder, SearchIndex, fold, stem, words

from .question import _ADVERBS, _QUESTION_WORDS

# Words any question may carry that no passage needs to repeat ("when did they actually get out").
_FILLER = _ADVERBS | {"get", "got", "gets", "getting", "so", "ok", "okay", "now", "just",
                      # chat: "quick one pls", "hey, can you…"
                      "pls", "plz", "please", "hey", "hi", "hello", "thanks", "thx", "quick", "quickly"}
# Asking for an overview says nothing the passage must repeat: "summarize the main concerns…".
_OVERVIEW = {"summarize", "summarise", "summary", "overview", "main", "key", "major", "principal", "highlight",
             "highlights", "outline", "brief", "briefly", "overall", "general", "nutshell", "recap", "rundown",
             "gist", "sum"}
_OVERVIEW_OF = {"concerns", "issues", "problems", "points", "findings", "themes", "topics", "takeaways", "raise",
                "raises", "raised", "short", "situation", "picture", "state", "happening", "happened", "going", "things"}


class WordMatcher:
    """Word-to-word similarity using the index's stored vocabulary vectors."""

    def __init__(self, index: SearchIndex, embedder: Embedder, synonym_threshold: float = 0.6) -> None:
        self.index = index
        self.embedder = embedder
        self.threshold = synonym_threshold
        self._cache: dict[str, np.ndarray] = {}

    def prefetch(self, ws: list[str]) -> None:
        """Encode words the document does not contain, ahead of need (in one batch)."""
        self.vectors(list(dict.fromkeys(ws)))

    def vectors(self, ws: list[str]) -> np.ndarray:
        missing = [w for w in ws if w not in self._cache and w not in self.index.vocab_row]
        if missing:
            for w, v in zip(missing, self.embedder.encode(missing)):
                if len(self._cache) > 20000:
                    self._cache.clear()
                self._cache[w] = v
        if not ws:
            return np.zeros((0, self.index.vocab_vectors.shape[1]), np.float32)
        rows = [self.index.vocab_row.get(w) for w in ws]
        if all(r is not None for r in rows):
            return self.index.vocab_vectors[rows]
        return np.vstack([self.index.vocab_vectors[r] if r is not None else self._cache[w] for w, r in zip(ws, rows)])

    def similarity(self, query_words: list[str], context_words: list[str]) -> np.ndarray:
        """For each query word, its best cosine to any context word."""
        if not query_words or not context_words:
            return np.zeros(len(query_words))
        return (self.vectors(query_words) @ self.vectors(context_words).T).max(axis=1)


def content_words(text: str, ignore: set[str] = frozenset()) -> list[str]:
    """Folded content words of a question, without question words and ``ignore`` (document-wide terms)."""
    out = []
    found = words(text)
    overview = _OVERVIEW | _OVERVIEW_OF if _OVERVIEW.intersection(found) else set()
    for w in found:
        if (w in STOPWORDS or w in _QUESTION_WORDS or w in _FILLER or w in overview or len(w) < 2 or w in ignore
                or stem(w) in ignore):
            continue
        out.append(w)
    return list(dict.fromkeys(out))


def coverage(question_words: list[str], context: str, matcher: WordMatcher | None) -> tuple[float, list[str]]:
    """Share of question words found in ``context`` (stem or synonym), and those missing."""
    if not question_words:
        return 1.0, []
    ctx_words = [w for w in words(context) if w not in STOPWORDS and not w[0].isdigit()]
    ctx_stems = {stem(w) for w in words(context)}
    ctx_folded = fold(context)
    missing = [w for w in question_words if stem(w) not in ctx_stems and not (w[0].isdigit() and w in ctx_folded)]
    if missing and matcher is not None and ctx_words:
        sims = matcher.similarity(missing, list(dict.fromkeys(ctx_words)))
        missing = [w for w, s in zip(missing, sims) if s < matcher.threshold]
    return 1.0 - len(missing) / len(question_words), missing
