"""BM25 over chunk texts (bm25s), persisted beside the dense index."""
from __future__ import annotations

from pathlib import Path

import bm25s
import numpy as np

from .tokens import terms


class Bm25Index:
    """``fit`` texts, then ``scores`` a query against every one of them."""

    def __init__(self) -> None:
        self._bm25: bm25s.BM25 | None = None
        self.size = 0

    def fit(self, texts: list[str]) -> "Bm25Index":
        # bm25s needs at least one token per row; "_" never matches a query term.
        corpus = [list(terms(t)) or ["_"] for t in texts]
        self._bm25 = bm25s.BM25()
        self._bm25.index(corpus, show_progress=False)
        self.size = len(texts)
        return self

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every fitted text (zeros when nothing matches)."""
        if self._bm25 is None or self.size == 0:
            return np.zeros(self.size, dtype=np.float32)
        vocab = self._bm25.vocab_dict
        q = [t for t in terms(query) if t in vocab]
        if not q:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(q), dtype=np.float32)

    def save(self, directory: Path) -> None:
        assert self._bm25 is not None
        self._bm25.save(str(directory))

    @classmethod
    def load(cls, directory: Path, size: int) -> "Bm25Index":
        out = cls()
        out._bm25 = bm25s.BM25.load(str(directory))
        out.size = size
        return out
