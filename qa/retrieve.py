"""Hybrid retrieval: dense (one list per model) + BM25, fused by reciprocal rank, at two levels.

A paragraph's score is its own fused rank score plus that of its best sentence, so a passing
mention in one sentence lifts the paragraph that holds it.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from index import Embedder, SearchIndex


@dataclass
class Retrieval:
    """Scores of every chunk for one query, and the ranked passages."""

    dense: dict[str, np.ndarray]  # model key -> cosine per chunk
    bm25: np.ndarray  # per chunk, each level against its own corpus
    sentence_rrf: np.ndarray  # per chunk (sentences and footnotes), fused
    ranked: list[tuple[int, float]]  # (passage chunk row, fused score), best first


def _rrf(scores: np.ndarray, rows: np.ndarray, k: int, positive_only: bool = False) -> np.ndarray:
    """Reciprocal-rank contribution for ``rows`` ranked by ``scores``."""
    out = np.zeros(len(scores), dtype=np.float64)
    if len(rows) == 0:
        return out
    order = rows[np.argsort(-scores[rows], kind="stable")]
    ranks = np.arange(1, len(order) + 1)
    contrib = 1.0 / (k + ranks)
    if positive_only:
        contrib = np.where(scores[order] > 0, contrib, 0.0)
    out[order] = contrib
    return out


class Retriever:
    """``search(query)`` over a loaded :class:`SearchIndex`."""

    def __init__(self, index: SearchIndex, embedders: dict[str, Embedder], rrf_k: int = 60) -> None:
        self.index = index
        self.embedders = embedders
        self.rrf_k = rrf_k
        chunks = index.chunks
        self.passage_rows = np.array([i for i, c in enumerate(chunks) if c.is_passage], dtype=np.int64)
        # Footnotes compete at sentence level too: a note is one sentence long.
        self.sentence_rows = np.array([i for i, c in enumerate(chunks) if c.kind in ("sentence", "footnote")],
                                      dtype=np.int64)
        self.parent_row = np.array([index.by_id.get(c.parent, i) for i, c in enumerate(chunks)], dtype=np.int64)

    def encode_query(self, query: str) -> dict[str, np.ndarray]:
        return {k: e.encode([query], query=True)[0] for k, e in self.embedders.items()}

    def search(self, query: str, vectors: dict[str, np.ndarray] | None = None) -> Retrieval:
        vectors = vectors or self.encode_query(query)
        k = self.rrf_k
        dense = {key: self.index.dense_scores(key, vec) for key, vec in vectors.items()}
        bm25 = self.index.bm25_scores(query)
        passage = np.zeros(len(self.index.chunks))
        sentence = np.zeros(len(self.index.chunks))
        for scores in dense.values():
            passage += _rrf(scores, self.passage_rows, k)
            sentence += _rrf(scores, self.sentence_rows, k)
        passage += _rrf(bm25, self.passage_rows, k, positive_only=True)
        sentence += _rrf(bm25, self.sentence_rows, k, positive_only=True)
        best_child = np.zeros(len(self.index.chunks))
        np.maximum.at(best_child, self.parent_row[self.sentence_rows], sentence[self.sentence_rows])
        fused = passage + best_child
        order = self.passage_rows[np.argsort(-fused[self.passage_rows], kind="stable")]
        return Retrieval(dense, bm25, sentence, [(int(r), float(fused[r])) for r in order])
