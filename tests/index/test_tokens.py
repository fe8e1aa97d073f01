"""Folding and tokenising: what BM25, the vocabulary and every name check compare."""
from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from index.tokens import fold, terms, words


def reference_fold(text: str) -> str:
    """The definition: lower-case, NFKD, every combining mark dropped, curly apostrophe straight."""
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in text if not unicodedata.combining(c)).replace("’", "'")


def test_accents_and_apostrophes_fold_away():
    assert fold("Ségou") == "segou" and fold("KARAMOKO TRAORÉ’S") == "karamoko traore's"
    assert words("331,000 people in Ségou.") == ("331000", "people", "in", "segou")
    assert terms("The killings in Ségou") == ("kill", "segou")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=0x2FFFF), max_size=200))
def test_fold_matches_its_definition_on_any_text(text):
    assert fold(text) == reference_fold(text)
