"""Metric definitions on hand-made results (pure functions)."""
from __future__ import annotations

from eval.metrics import aggregate, normalise, score_item


def test_normalise_ignores_markers_quotes_and_case():
    assert normalise("released on 3 October.2  Next") == normalise("Released on 3 October. next")
    assert normalise("state’s") == normalise("state's")


def test_scores():
    gold = [
        {"id": "a", "question": "q", "answers": ["17 March"], "evidence": "On 17 March, two", "section": "Government forces", "kind": "date"},
        {"id": "b", "question": "q", "answerable": False, "kind": "unanswerable"},
        {"id": "c", "question": "q"},
    ]
    results = [
        {"answer": "On 17 March, two strikes.", "abstained": False, "passages": ["x", "On 17 March, two strikes."],
         "citations": [{"paragraph_text": "On 17 March, two strikes.", "section": "Unlawful killings › Government forces", "footnotes": []}],
         "latency_ms": 10},
        {"answer": "The report does not say.", "abstained": True, "passages": [], "citations": [], "latency_ms": 20},
        {"answer": "something", "abstained": False, "passages": [], "citations": [], "latency_ms": 30},
    ]
    items = [score_item(g, r) for g, r in zip(gold, results)]
    m = aggregate(items)
    assert m.hit_at_1 == 0.0 and m.hit_at_3 == 1.0 and m.mrr == 0.5
    assert m.answer_accuracy == 1.0 and m.citation_accuracy == 1.0
    assert m.refusal_rate == 1.0 and m.false_refusal_rate == 0.0
    assert m.latency_p50_ms == 20 and m.primary == m.answer_accuracy
    assert set(m.by_kind) == {"date", "unanswerable", "other"}


def test_a_table_row_is_held_however_the_index_reads_the_table():
    from eval.metrics import holds
    passage = normalise("Kessen: 2022 640; 2023 1,150. Marrow: 2022 410; 2023 560; 2024 780.")
    assert holds(normalise("| Marrow | 410 | 560 | 780 |"), passage)
    assert not holds(normalise("| Marrow | 560 | 410 |"), passage)  # cells out of order
    assert not holds(normalise("| Hillmark | 300 |"), passage)
    assert holds(normalise("Marrow: 2022 410"), passage) and not holds(normalise("Marrow 410"), passage)
