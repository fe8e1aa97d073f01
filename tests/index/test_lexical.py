"""BM25: a run of rows scored as its own corpus from the stored counts equals fitting just those rows."""
from __future__ import annotations

from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from index.lexical import Bm25Index

REPORT = Path(__file__).resolve().parents[2] / "data" / "amnesty-mali-2024.txt"
LINES = [line for line in REPORT.read_text(encoding="utf-8").splitlines() if line.strip()]
WORDS = sorted({w for line in LINES for w in line.split()})
# Repeated lines and an empty one: a term in every row (idf near 0) and a row with no terms.
TEXTS = LINES + LINES[:7] + [""]
FULL = Bm25Index().fit(TEXTS)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_scores_within_a_run_equal_a_fit_of_that_run(data):
    start = data.draw(st.integers(0, len(TEXTS) - 1))
    end = data.draw(st.integers(start + 1, len(TEXTS)))
    query = " ".join(data.draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=8)))
    alone = Bm25Index().fit(TEXTS[start:end]).scores(query)
    assert np.allclose(FULL.scores_within(query, start, end), alone, rtol=1e-4, atol=1e-5)


def test_counts_survive_save_and_load(tmp_path):
    FULL.save(tmp_path / "bm25")
    loaded = Bm25Index.load(tmp_path / "bm25", len(TEXTS))
    assert loaded.scores_runs
    q = "drone strikes killed children in Mopti"
    assert np.array_equal(loaded.scores_within(q, 5, 30), FULL.scores_within(q, 5, 30))
    assert loaded.scores_within(q, 5, 30).max() > 0
    # A query with no known term scores zero everywhere, not an error.
    assert not loaded.scores_within("zzzqx", 0, len(TEXTS)).any()
