"""BM25 over chunk texts (bm25s), persisted beside the dense index.

A collection also needs each document's BM25 *as if it stood alone* (term weights not diluted
by thousands of other documents). bm25s scores against its whole corpus only, so the fit keeps
the raw term counts too (a CSR matrix over bm25s's vocabulary) and :meth:`Bm25Index.scores_within`
scores any run of rows as its own corpus, with the same formula and no fit at query time.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import bm25s
import numpy as np

from .tokens import terms

COUNTS_FILE = "counts.npz"


class Bm25Index:
    """``fit`` texts, then ``scores`` a query against every one of them."""

    def __init__(self) -> None:
        self._bm25: bm25s.BM25 | None = None
        self.size = 0
        # Term counts per row (CSR): row i's terms are indices[indptr[i]:indptr[i+1]].
        self._counts: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None

    def fit(self, texts: list[str]) -> "Bm25Index":
        # bm25s needs at least one token per row; "_" never matches a query term.
        corpus = [list(terms(t)) or ["_"] for t in texts]
        self._bm25 = bm25s.BM25()
        self._bm25.index(corpus, show_progress=False)
        self.size = len(texts)
        self._counts = _term_counts(corpus, self._bm25.vocab_dict)
        return self

    def _query_ids(self, query: str) -> list[int]:
        vocab = self._bm25.vocab_dict if self._bm25 is not None else {}
        return [vocab[t] for t in terms(query) if t in vocab]

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every fitted text (zeros when nothing matches)."""
        if self._bm25 is None or self.size == 0:
            return np.zeros(self.size, dtype=np.float32)
        q = self._query_ids(query)
        if not q:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(q), dtype=np.float32)

    @property
    def scores_runs(self) -> bool:
        """Whether :meth:`scores_within` can answer (indexes saved before it cannot)."""
        return self._counts is not None

    def scores_within(self, query: str, start: int, end: int) -> np.ndarray:
        """BM25 of rows ``start:end`` against those rows alone: what ``Bm25Index().fit`` of just
        their texts would score (same parameters, lucene idf), read from the stored counts."""
        if self._counts is None:
            raise ValueError("this BM25 index keeps no term counts; fit it again")
        n = end - start
        out = np.zeros(max(n, 0), dtype=np.float32)
        q = Counter(self._query_ids(query))
        if n <= 0 or not q:
            return out
        indptr, indices, data, lengths = self._counts
        lo, hi = int(indptr[start]), int(indptr[end])
        ids, tf = indices[lo:hi], data[lo:hi].astype(np.float64)
        row = np.repeat(np.arange(n), np.diff(indptr[start:end + 1]))
        dl = lengths[start:end].astype(np.float64)
        b = self._bm25
        k1, bb = float(b.k1), float(b.b)
        norm = k1 * (1 - bb + bb * dl / dl.mean())
        acc = np.zeros(n, dtype=np.float64)
        for term, times in q.items():
            hit = ids == term
            df = int(hit.sum())  # one entry per row and term
            if not df:
                continue
            idf = np.log(1 + (n - df + 0.5) / (df + 0.5))
            r, f = row[hit], tf[hit]
            acc[r] += times * idf * f / (f + norm[r])
        return acc.astype(np.float32)

    def save(self, directory: Path) -> None:
        assert self._bm25 is not None
        self._bm25.save(str(directory))
        if self._counts is not None:
            indptr, indices, data, lengths = self._counts
            np.savez(Path(directory) / COUNTS_FILE, indptr=indptr, indices=indices, data=data, lengths=lengths)

    @classmethod
    def load(cls, directory: Path, size: int) -> "Bm25Index":
        out = cls()
        out._bm25 = bm25s.BM25.load(str(directory))
        out.size = size
        counts = Path(directory) / COUNTS_FILE
        if counts.is_file():
            with np.load(counts) as z:
                out._counts = (z["indptr"], z["indices"], z["data"], z["lengths"])
        return out


def _term_counts(corpus: list[list[str]], vocab: dict[str, int]
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    indptr = np.zeros(len(corpus) + 1, dtype=np.int64)
    indices: list[int] = []
    data: list[int] = []
    for i, tokens in enumerate(corpus):
        c = Counter(tokens)
        indices.extend(vocab[t] for t in c)
        data.extend(c.values())
        indptr[i + 1] = len(indices)
    lengths = np.array([len(t) for t in corpus], dtype=np.int32)
    return indptr, np.array(indices, dtype=np.int32), np.array(data, dtype=np.int32), lengths
