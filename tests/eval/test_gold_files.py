"""Every registered gold set is well formed: ids are unique, each evidence stands in the document
as the index reads it, and each answer in its evidence, so a miss is the bot's, not the gold's."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.metrics import answerable, holds, normalise
from eval.run import read_gold
from index import load_document

ROOT = Path(__file__).resolve().parents[2]
SETS = json.loads((ROOT / "eval" / "gold" / "sets.json").read_text(encoding="utf-8"))["sets"]


@pytest.mark.parametrize("entry", SETS, ids=[Path(s["gold"]).stem for s in SETS])
def test_gold_evidence_stands_in_the_document(entry):
    doc, _ = load_document(ROOT / entry["document"])
    text = normalise(" ".join([p.text for s in doc.sections for p in s.paragraphs]
                              + [n.text for n in doc.footnotes.values()]))
    gold = read_gold(ROOT / entry["gold"])
    assert len({g["id"] for g in gold}) == len(gold), "ids repeat"
    for g in gold:
        if not answerable(g):
            assert not g.get("answers"), g["id"]
            continue
        # Evidence across a paragraph break is checked a paragraph at a time.
        for piece in (normalise(x) for x in g.get("evidence", "").split("\n")):
            assert holds(piece, text), (g["id"], piece[:80])
        if g.get("evidence") and g.get("answers") and g.get("kind") not in ("summary", "multi"):
            assert any(normalise(a) in normalise(g["evidence"]) for a in g["answers"]), g["id"]
