"""Hybrid retrieval: dense (one list per model) + BM25, fused at two levels.

Each signal is standardised (z-score) over its level before summing, which keeps the margin
information that rank fusion throws away on a corpus of a few dozen paragraphs. A paragraph's
score is its own fused score plus half that of its best sentence, so a passing mention in one
sentence lifts the paragraph that holds it.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable

import numpy as np

from index import Embedder, SearchIndex


@dataclass
class Retrieval:
    """Scores of every chunk for one query, and the ranked passages."""

    dense: dict[str, np.ndarray]  # model key -> cosine per chunk
    bm25: np.ndarray  # per chunk, each level against its own corpus
    sentence_score: np.ndarray  # fused score of sentences and footnotes
    ranked: list[tuple[int, float]]  # (passage chunk row, fused score), best first


def _z(scores: np.ndarray, rows: np.ndarray) -> np.ndarray:
    out = np.zeros(len(scores), dtype=np.float64)
    if len(rows) == 0:
        return out
    v = scores[rows].astype(np.float64)
    sd = v.std()
    out[rows] = (v - v.mean()) / sd if sd > 1e-9 else 0.0
    return out


class Retriever:
    """``search(query)`` over a loaded :class:`SearchIndex`."""

    def __init__(self, index: SearchIndex, embedders: dict[str, Embedder], *, bm25_weight: float = 0.5,
                 sentence_weight: float = 0.5, footnote_penalty: float = 1.0) -> None:
        self.index = index
        self.embedders = embedders
        self.bm25_weight = bm25_weight
        self.sentence_weight = sentence_weight
        self.footnote_penalty = footnote_penalty
        chunks = index.chunks
        self.passage_rows = np.array([i for i, c in enumerate(chunks) if c.is_passage], dtype=np.int64)
        # Footnotes compete at sentence level too: a note is one sentence long.
        self.sentence_rows = np.array([i for i, c in enumerate(chunks) if c.kind in ("sentence", "footnote")],
                                      dtype=np.int64)
        self.parent_row = np.array([index.by_id.get(c.parent, i) for i, c in enumerate(chunks)], dtype=np.int64)
        self.is_footnote = np.array([c.kind == "footnote" for c in chunks])
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="encode")

    def encode_query(self, query: str, models: tuple[str, ...] | None = None,
                     also: Callable[[], object] | None = None) -> dict[str, np.ndarray]:
        """Query vectors per model, plus ``also`` (other query-time encoding) when given.

        Two cores: the first model runs here while the rest, then ``also``, run on one pool
        thread. Each engine is single-threaded and releases the GIL, so this costs the slower
        branch, not the sum, without oversubscribing the cores.
        """
        keys = [k for k in (models or tuple(self.embedders)) if k in self.embedders]

        def encode(k: str) -> np.ndarray:
            return self.embedders[k].encode([query], query=True)[0]

        def rest() -> dict[str, np.ndarray]:
            out = {k: encode(k) for k in keys[1:]}
            if also is not None:
                also()
            return out

        if len(keys) < 2 and also is None:
            return {k: encode(k) for k in keys}
        future = self._pool.submit(rest)
        out = {k: encode(k) for k in keys[:1]}
        out.update(future.result())
        return out

    def search(self, query: str, vectors: dict[str, np.ndarray] | None = None, *, lexical_query: str | None = None,
               use_bm25: bool = True, wants_source: bool = False) -> Retrieval:
        """Rank passages for ``query``.

        ``vectors`` limits the dense models used (a French question skips the English-only
        model); ``lexical_query`` is what BM25 sees; ``wants_source`` lifts footnotes, which
        otherwise yield to the body paragraph that cites them.
        """
        vectors = vectors if vectors is not None else self.encode_query(query)
        dense = {key: self.index.dense_scores(key, vec) for key, vec in vectors.items()}
        bm25 = self.index.bm25_scores(lexical_query if lexical_query is not None else query)
        P, S = self.passage_rows, self.sentence_rows
        passage = sum((_z(s, P) for s in dense.values()), np.zeros(len(bm25)))
        sentence = sum((_z(s, S) for s in dense.values()), np.zeros(len(bm25)))
        if use_bm25:
            passage += self.bm25_weight * _z(bm25, P)
            sentence += self.bm25_weight * _z(bm25, S)
        best_child = np.full(len(bm25), -np.inf)
        np.maximum.at(best_child, self.parent_row[S], sentence[S])
        best_child[~np.isfinite(best_child)] = 0.0
        fused = passage + self.sentence_weight * best_child
        fused[self.is_footnote] += self.footnote_penalty if wants_source else -self.footnote_penalty
        order = P[np.argsort(-fused[P], kind="stable")]
        return Retrieval(dense, bm25, sentence, [(int(r), float(fused[r])) for r in order])
