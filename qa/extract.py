"""Pick the one or two sentences of the retrieved passages that answer the question."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from index import SearchIndex, fold, terms

from .answer_types import has_type
from .question import ANY, Question
from .retrieve import Retrieval


@dataclass(frozen=True)
class Candidate:
    row: int  # chunk row of the sentence (or footnote)
    passage_row: int
    passage_rank: int
    score: float
    type_ok: bool


def candidates(q: Question, query_terms: set[str], r: Retrieval, index: SearchIndex,
               n_passages: int) -> list[Candidate]:
    """Every sentence of the top passages, scored: sentence-level fused rank, passage rank,
    share of question terms present, and whether it holds the expected answer type."""
    rows: list[tuple[int, int, int]] = []
    for rank, (prow, _) in enumerate(r.ranked[:n_passages]):
        chunk = index.chunks[prow]
        kids = index.children.get(chunk.id, []) if chunk.kind == "paragraph" else [prow]
        rows.extend((row, prow, rank) for row in kids)
    if not rows:
        return []
    srrf = np.array([r.sentence_rrf[row] for row, _, _ in rows])
    srrf = srrf / max(srrf.max(), 1e-9)
    qwords = {fold(n) for n in q.names}
    out = []
    for (row, prow, rank), s in zip(rows, srrf):
        text = index.chunks[row].text
        stems = set(terms(text))
        lex = len(query_terms & stems) / max(len(query_terms), 1)
        ok = has_type(text, q.answer_type, qwords)
        score = float(s) + 0.3 / (1 + rank) + 0.4 * lex + (0.35 if ok and q.answer_type != ANY else 0.0)
        out.append(Candidate(row, prow, rank, score, ok))
    out.sort(key=lambda c: -c.score)
    return out


def select(cands: list[Candidate], q: Question, index: SearchIndex, max_sentences: int) -> list[Candidate]:
    """The best sentence, plus a second one when it covers question names the first lacks."""
    if not cands:
        return []
    best = cands[0]
    chosen = [best]
    if max_sentences < 2 or not q.names:
        return chosen
    para = index.chunks[best.passage_row].text
    missing = {fold(n) for n in q.names if fold(n) not in fold(para)}
    if not missing:
        return chosen
    for c in cands[1:6]:
        text = fold(index.chunks[c.row].text)
        if c.passage_row != best.passage_row and any(m in text for m in missing):
            chosen.append(c)
            break
    return chosen
