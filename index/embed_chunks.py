"""Chunks -> one vector per chunk per model.

A model that pools spans (MiniLM) reads each paragraph once, heading path included, and takes its
sentences' vectors from that same pass ("late chunking", see ``bert_encoder``): half the tokens of
embedding paragraphs and sentences apart, and sentences that know their paragraph. Any other
model (e5), and any sentence past what one pass reads, embeds each chunk's own text
(``embedding_texts``). A one-document index and a collection call this same function, so a
question scoped to one document meets the same vectors either way.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from .chunking import LEADING_REFERENCE, Chunk, embedding_texts, paragraph_prefix
from .embedder import Embedder


def paragraph_groups(chunks: list[Chunk]) -> list[tuple[int, list[int]]]:
    """(paragraph row, its sentence rows in order) for every paragraph chunk."""
    row_of = {c.id: i for i, c in enumerate(chunks) if c.kind == "paragraph"}
    groups: dict[int, list[int]] = {r: [] for r in row_of.values()}
    for i, c in enumerate(chunks):
        if c.kind == "sentence" and c.parent in row_of:
            groups[row_of[c.parent]].append(i)
    return list(groups.items())


def sentence_ranges(chunks: list[Chunk], p: int, sents: list[int], k: int) -> tuple[tuple[int, int], ...]:
    """Where sentence ``k`` of paragraph row ``p`` stands in what the model reads for the
    paragraph, and what else its vector pools, as ``embedding_texts`` gives a sentence read
    alone: the heading path, and the sentence before when this one leans on it ("He was...")."""
    offset = len(paragraph_prefix(chunks[p]))
    s = chunks[sents[k]]
    start = chunks[sents[k - 1]].start if k and LEADING_REFERENCE.match(s.text) else s.start
    return ((0, offset), (offset + start, offset + s.end))


def _encode_texts(emb: Embedder, texts: list[str], batch_size: int) -> np.ndarray:
    """Texts sorted by length, ``batch_size`` per call (an engine batches each call again; big
    calls keep both cores busy to the end of each); rows in input order."""
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out = np.zeros((len(texts), emb.dim), np.float32)
    for start in range(0, len(order), batch_size):
        rows = order[start:start + batch_size]
        out[rows] = emb.encode([texts[i] for i in rows])
    return out


def embed_chunks(chunks: list[Chunk], embedders: dict[str, Embedder], batch_size: int = 512,
                 progress: Callable[[str], None] | None = None) -> dict[str, np.ndarray]:
    """``{model key: (len(chunks), dim) float32}``, L2-normalised rows in chunk order."""
    return embed_many([chunks], embedders, batch_size, progress)[0]


def embed_many(documents: list[list[Chunk]], embedders: dict[str, Embedder], batch_size: int = 512,
               progress: Callable[[str], None] | None = None) -> list[dict[str, np.ndarray]]:
    """:func:`embed_chunks` for several documents' chunks in one go: batches mix documents, so
    they fill up with paragraphs of similar length (a document of 12 paragraphs alone makes
    small, ragged batches). Models run one after the other: each has the cores to itself.
    """
    chunks = [c for doc in documents for c in doc]
    bounds = np.cumsum([0] + [len(doc) for doc in documents])
    texts = [t for doc in documents for t in embedding_texts(doc)]
    groups = [(int(start) + p, [int(start) + s for s in sents])
              for doc, start in zip(documents, bounds) for p, sents in paragraph_groups(doc)]
    out: dict[str, np.ndarray] = {}
    for key, emb in embedders.items():
        mat = np.zeros((len(chunks), emb.dim), np.float32)
        done = np.zeros(len(chunks), bool)
        if getattr(emb, "reads_spans", False) and groups:
            spans = [[sentence_ranges(chunks, p, sents, k) for k in range(len(sents))] for p, sents in groups]
            vectors, covered = emb.encode_spans([texts[p] for p, _ in groups], spans)
            for (p, sents), vecs, ok in zip(groups, vectors, covered):
                rows = np.array([p, *sents], dtype=np.int64)
                keep = np.concatenate([[True], ok])
                mat[rows[keep]] = vecs[keep]
                done[rows[keep]] = True
            if progress:
                progress(f"{key}: {int(done.sum())}/{len(chunks)}")
        rest = np.flatnonzero(~done)
        if len(rest):
            mat[rest] = _encode_texts(emb, [texts[i] for i in rest], batch_size)
        if progress:
            progress(f"{key}: {len(chunks)}/{len(chunks)}")
        out[key] = mat
    return [{k: m[bounds[i]:bounds[i + 1]] for k, m in out.items()} for i in range(len(documents))]
