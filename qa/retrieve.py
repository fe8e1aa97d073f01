"""Hybrid retrieval: dense (one list per model) + BM25, fused at two levels.

Each signal is standardised (z-score) over its level before summing, which keeps the margin
information that rank fusion throws away on a corpus of a few dozen paragraphs. A paragraph's
score is its own fused score plus half that of its best sentence, so a passing mention in one
sentence lifts the paragraph that holds it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from index import Embedder, SearchIndex
from index.vectorstore import FaissStore, VectorStore


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


def _z_from(scores: np.ndarray, rows: np.ndarray, stat_rows: np.ndarray) -> np.ndarray:
    """Like :func:`_z`, with mean and spread estimated on ``stat_rows`` (a sample of the level)."""
    out = np.zeros(len(scores), dtype=np.float64)
    if len(rows) == 0 or len(stat_rows) == 0:
        return out
    ref = scores[stat_rows].astype(np.float64)
    sd = ref.std()
    out[rows] = (scores[rows].astype(np.float64) - ref.mean()) / sd if sd > 1e-9 else 0.0
    return out


class Retriever:
    """``search(query)`` over a loaded :class:`SearchIndex`.

    Two ways to score, same fusion:

    * exact (one document, or a scope/corpus of at most ``exact_limit`` chunks with the FAISS
      store): every chunk in scope is scored by every signal and standardised over its level;
    * candidates (big corpora, or any non-FAISS store): the ``k`` best chunks per dense model
      from the vector store and per level from BM25, with their paragraphs/sentences, are
      scored exactly; each signal is standardised with mean/spread measured on a fixed random
      sample of the scope, so scores mean the same as in an exact scan.
    """

    def __init__(self, index: SearchIndex, embedders: dict[str, Embedder], *, bm25_weight: float = 0.5,
                 sentence_weight: float = 0.5, footnote_penalty: float = 2.0, store: VectorStore | None = None,
                 exact_limit: int = 50_000, k: int = 100, sample: int = 4096) -> None:
        self.index = index
        self.store = store or FaissStore(index)
        self.exact_limit = exact_limit
        self.k = k
        self.sample_size = sample
        self._scope_cache: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}
        self._sample_cache: dict[tuple, np.ndarray] = {}
        self._qcache: dict[tuple[str, str], np.ndarray] = {}  # (query, model) -> vector
        self.scope: tuple[int, ...] | None = None  # documents searched when a call names none
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
        self.is_passage = np.zeros(len(chunks), bool)
        self.is_passage[self.passage_rows] = True
        self.is_sentence = np.zeros(len(chunks), bool)
        self.is_sentence[self.sentence_rows] = True
        self.child_rows = {index.by_id[p]: np.array(r, dtype=np.int64) for p, r in index.children.items() if p in index.by_id}

    def encode_query(self, query: str, models: tuple[str, ...] | None = None,
                     also: Callable[[], object] | None = None) -> dict[str, np.ndarray]:
        """Query vectors per model, then ``also`` (other query-time encoding) when given.

        One thing at a time, each with its own thread budget (``Config.model_threads``): running
        two encoders side by side only makes them fight for the two cores.
        """
        keys = [k for k in (models or tuple(self.embedders)) if k in self.embedders]
        out = {k: self._encode_cached(k, query) for k in keys}
        if also is not None:
            also()
        return out

    def _encode_cached(self, key: str, query: str) -> np.ndarray:
        """A query's vector; the last few are kept (routing in a collection, then answering,
        encode the same question once)."""
        cache = self._qcache
        vec = cache.get((key, query))
        if vec is None:
            vec = self.embedders[key].encode([query], query=True)[0]
            if len(cache) >= 32:
                cache.pop(next(iter(cache)))
            cache[(key, query)] = vec
        return vec

    def search(self, query: str, vectors: dict[str, np.ndarray] | None = None, *, lexical_query: str | None = None,
               use_bm25: bool = True, wants_source: bool = False, docs: tuple[int, ...] | None = None,
               include: np.ndarray | list[int] | None = None) -> Retrieval:
        """Rank passages for ``query``.

        ``vectors`` limits the dense models used (a French question skips the English-only
        model); ``lexical_query`` is what BM25 sees; ``wants_source`` lifts footnotes, which
        otherwise yield to the body paragraph that cites them. ``docs`` limits the search to
        those documents of a collection (positions in ``index.documents``); ``include`` adds
        chunk rows that must be scored in candidate mode.
        """
        vectors = vectors if vectors is not None else self.encode_query(query)
        lexical = lexical_query if lexical_query is not None else query
        docs = docs if docs is not None else self.scope
        if docs is not None and len(docs) == len(self.index.documents):
            docs = None
        exact = isinstance(self.store, FaissStore)
        if docs is None and exact and len(self.index.chunks) <= self.exact_limit:
            return self._exact(vectors, lexical, use_bm25, wants_source)
        rows, sample = self.scope_rows(docs)
        if exact and len(rows) <= self.exact_limit:
            return self._scored(vectors, lexical, use_bm25, wants_source, rows, rows, docs)
        return self._candidates(vectors, lexical, use_bm25, wants_source, docs, rows, sample, include)

    def _candidates(self, vectors, lexical, use_bm25, wants_source, docs, rows, sample, include) -> Retrieval:
        n = len(self.index.chunks)
        # The sample only supplies z-statistics; candidates are what the vector store and BM25 found.
        cand: list[np.ndarray] = []
        for key, vec in vectors.items():
            found, _ = self.store.search(key, vec, self.k, list(docs) if docs is not None else None)
            cand.append(found)
        bm25 = self._bm25(lexical, docs) if use_bm25 else np.zeros(n, np.float32)
        if use_bm25:
            masked = bm25 if len(rows) == n else np.where(np.isin(np.arange(n), rows), bm25, 0)
            for level_mask in (self.is_passage, self.is_sentence):
                lv = np.where(level_mask, masked, 0)
                top = np.argpartition(-lv, min(self.k, n - 1))[:self.k]
                cand.append(top[lv[top] > 0])
        if include is not None:
            cand.append(np.asarray(include, dtype=np.int64))
        core = np.unique(np.concatenate(cand or [sample]))
        extra = [self.parent_row[core]]
        extra += [self.child_rows[r] for r in core[self.is_passage[core]] if r in self.child_rows]
        scored = np.unique(np.concatenate([core, *extra]))
        return self._scored(vectors, lexical, use_bm25, wants_source, scored, sample, docs, bm25)

    def _scored(self, vectors, lexical, use_bm25, wants_source, rows, stat_rows, docs, bm25=None) -> Retrieval:
        """Fuse over ``rows`` with z-statistics from ``stat_rows`` (exact when they are all rows in scope)."""
        n = len(self.index.chunks)
        dense = {}
        for key, vec in vectors.items():
            full = np.zeros(n, dtype=np.float32)
            v = vec.astype(np.float32)
            if stat_rows is not rows:
                full[stat_rows] = self._sample_matrix(key, docs, stat_rows) @ v
            full[rows] = self.store.vectors(key, rows) @ v
            dense[key] = full
        if bm25 is None:
            bm25 = self._bm25(lexical, docs) if use_bm25 else np.zeros(n, np.float32)
        P, S = rows[self.is_passage[rows]], rows[self.is_sentence[rows]]
        sP, sS = stat_rows[self.is_passage[stat_rows]], stat_rows[self.is_sentence[stat_rows]]
        passage = sum((_z_from(s, P, sP) for s in dense.values()), np.zeros(n))
        sentence = sum((_z_from(s, S, sS) for s in dense.values()), np.zeros(n))
        if use_bm25:
            passage += self.bm25_weight * _z_from(bm25, P, sP)
            sentence += self.bm25_weight * _z_from(bm25, S, sS)
        return self._rank(dense, bm25, passage, sentence, P, S, wants_source)

    def _bm25(self, lexical: str, docs: tuple[int, ...] | None) -> np.ndarray:
        """BM25 per chunk; within one document of a collection, against that document alone."""
        one = docs[0] if docs is not None and len(docs) == 1 and self.index.documents else None
        return self.index.bm25_scores(lexical, one)

    def _sample_matrix(self, key: str, docs: tuple[int, ...] | None, sample: np.ndarray) -> np.ndarray:
        """The vectors of a scope's fixed sample, gathered once (every query re-uses them)."""
        ck = (key, tuple(sorted(docs)) if docs is not None else None)
        mat = self._sample_cache.get(ck)
        if mat is None or len(mat) != len(sample):
            if len(self._sample_cache) > 16:
                self._sample_cache.clear()
            mat = self._sample_cache[ck] = np.ascontiguousarray(self.store.vectors(key, sample), dtype=np.float32)
        return mat

    def _rank(self, dense: dict[str, np.ndarray], bm25: np.ndarray, passage: np.ndarray, sentence: np.ndarray,
              P: np.ndarray, S: np.ndarray, wants_source: bool) -> Retrieval:
        """Add each paragraph's best sentence to its own score, shift footnotes, rank passages."""
        best_child = np.full(len(passage), -np.inf)
        np.maximum.at(best_child, self.parent_row[S], sentence[S])
        best_child[~np.isfinite(best_child)] = 0.0
        fused = passage + self.sentence_weight * best_child
        fused[self.is_footnote] += self.footnote_penalty if wants_source else -self.footnote_penalty
        order = P[np.argsort(-fused[P], kind="stable")]
        return Retrieval(dense, bm25, sentence, [(int(r), float(fused[r])) for r in order])

    def _exact(self, vectors, lexical, use_bm25, wants_source) -> Retrieval:
        dense = {key: self.index.dense_scores(key, vec) for key, vec in vectors.items()}
        bm25 = self.index.bm25_scores(lexical)
        P, S = self.passage_rows, self.sentence_rows
        passage = sum((_z(s, P) for s in dense.values()), np.zeros(len(bm25)))
        sentence = sum((_z(s, S) for s in dense.values()), np.zeros(len(bm25)))
        if use_bm25:
            passage += self.bm25_weight * _z(bm25, P)
            sentence += self.bm25_weight * _z(bm25, S)
        return self._rank(dense, bm25, passage, sentence, P, S, wants_source)

    def scope_rows(self, docs: tuple[int, ...] | None) -> tuple[np.ndarray, np.ndarray]:
        """(chunk rows in scope, a fixed random sample of them) for a set of documents (None: all)."""
        key = tuple(sorted(docs)) if docs is not None else None
        if key not in self._scope_cache:
            n = len(self.index.chunks)
            if key is None or not self.index.documents:
                rows = np.arange(n, dtype=np.int64)
            else:
                rows = np.concatenate([np.arange(self.index.documents[d]["start"], self.index.documents[d]["end"])
                                       for d in key]).astype(np.int64) if key else np.zeros(0, np.int64)
            rng = np.random.default_rng(12345)
            sample = np.sort(rng.choice(rows, self.sample_size, replace=False)) if len(rows) > self.sample_size else rows
            if len(self._scope_cache) > 64:
                self._scope_cache.clear()
            self._scope_cache[key] = (rows, sample)
        return self._scope_cache[key]
