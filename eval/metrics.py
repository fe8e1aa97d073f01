"""Scores for a run over a gold file (shared schema: id, question, answers, evidence, section,
kind, answerable, history; only id and question are required)."""
from __future__ import annotations

import re
import statistics
import unicodedata
from dataclasses import dataclass, field

_MARKER = re.compile(r"(?<=[^\d\s][.,;:!?”\"’')\]])\d{1,3}(?=\s|$)")


def normalise(text: str) -> str:
    """Compare texts loosely: Unicode, quotes, dashes, blanks, case, footnote markers."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _MARKER.sub("", text)
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"').replace("–", "-").replace("—", "-")
    return re.sub(r"\s+", " ", text).strip().lower()


def holds(evidence: str, text: str) -> bool:
    """``text`` (normalised) holds ``evidence`` (normalised). A table row given as written
    ("| marrow | 410 | 560 |") is held when its cells stand in ``text`` in order, however
    the index reads the table ("Marrow: 2022 410; 2023 560")."""
    if evidence in text:
        return True
    cells = [c.strip() for c in evidence.split("|") if c.strip()] if "|" in evidence else []
    at = 0
    for cell in cells:
        at = text.find(cell, at)
        if at < 0:
            return False
        at += len(cell)
    return bool(cells)


def answerable(gold: dict) -> bool:
    return gold.get("answerable", True) is not False


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


@dataclass
class ItemScore:
    id: str
    kind: str
    answerable: bool
    rank: int | None  # 1-based rank of the first passage holding the evidence; None if absent/not scored
    correct: bool | None  # answer contains a gold answer (answerable items with answers)
    cited: bool | None  # a citation holds the evidence / names the gold section
    abstained: bool
    words: int
    latency_ms: float


def score_item(gold: dict, result: dict) -> ItemScore:
    ok = answerable(gold)
    abstained = bool(result.get("abstained"))
    evidence = normalise(gold.get("evidence", ""))
    rank = None
    if ok and evidence:
        rank = next((i for i, p in enumerate(result.get("passages", []), 1) if holds(evidence, normalise(p))), 0)
    correct = None
    if ok and gold.get("answers"):
        text = normalise(result.get("answer", ""))
        correct = not abstained and any(normalise(a) in text for a in gold["answers"])
    cited = None
    if ok and (evidence or gold.get("section")):
        cites = result.get("citations", [])
        if abstained or not cites:
            cited = False
        elif evidence:
            cited = any(holds(evidence, normalise(c.get("paragraph_text") or c.get("text", ""))) or
                        any(holds(evidence, normalise(f.get("text", ""))) for f in c.get("footnotes", []))
                        for c in cites)
        else:
            want = normalise(gold["section"])
            cited = any(want in normalise(str(c.get("section", ""))) for c in cites)
    return ItemScore(id=str(gold.get("id")), kind=gold.get("kind") or ("unanswerable" if not ok else "other"),
                     answerable=ok, rank=rank, correct=correct, cited=cited, abstained=abstained,
                     words=len(result.get("answer", "").split()), latency_ms=float(result.get("latency_ms", 0.0)))


def _mean(xs: list[float]) -> float:
    return sum(xs) / len(xs) if xs else float("nan")


@dataclass
class RunMetrics:
    """Aggregate figures; ``primary_metric`` names the one to optimise."""

    n: int
    hit_at_1: float
    hit_at_3: float
    mrr: float
    answer_accuracy: float
    citation_accuracy: float
    median_answer_words: float
    refusal_rate: float  # abstained among unanswerable
    false_refusal_rate: float  # abstained among answerable
    latency_p50_ms: float
    latency_p95_ms: float
    by_kind: dict[str, dict[str, float]] = field(default_factory=dict)
    primary_metric: str = "answer_accuracy"

    @property
    def primary(self) -> float:
        return getattr(self, self.primary_metric)


def aggregate(items: list[ItemScore]) -> RunMetrics:
    ranked = [i.rank for i in items if i.rank is not None]
    correct = [i.correct for i in items if i.correct is not None]
    cited = [i.cited for i in items if i.cited is not None]
    una = [i for i in items if not i.answerable]
    ans = [i for i in items if i.answerable]
    words = [i.words for i in items if not i.abstained]
    lat = [i.latency_ms for i in items]
    by_kind: dict[str, dict[str, float]] = {}
    for kind in sorted({i.kind for i in items}):
        group = [i for i in items if i.kind == kind]
        row: dict[str, float] = {"n": len(group)}
        c = [i.correct for i in group if i.correct is not None]
        if c:
            row["answer_accuracy"] = _mean([float(x) for x in c])
        r = [i.rank for i in group if i.rank is not None]
        if r:
            row["hit@1"] = _mean([float(x == 1) for x in r])
        if any(not i.answerable for i in group):
            row["refusal_rate"] = _mean([float(i.abstained) for i in group if not i.answerable])
        by_kind[kind] = row
    return RunMetrics(
        n=len(items),
        hit_at_1=_mean([float(r == 1) for r in ranked]),
        hit_at_3=_mean([float(0 < r <= 3) for r in ranked]),
        mrr=_mean([1.0 / r if r else 0.0 for r in ranked]),
        answer_accuracy=_mean([float(x) for x in correct]),
        citation_accuracy=_mean([float(x) for x in cited]),
        median_answer_words=float(statistics.median(words)) if words else float("nan"),
        refusal_rate=_mean([float(i.abstained) for i in una]),
        false_refusal_rate=_mean([float(i.abstained) for i in ans]),
        latency_p50_ms=_pct(lat, 0.5),
        latency_p95_ms=_pct(lat, 0.95),
        by_kind=by_kind,
    )
