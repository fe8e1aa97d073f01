"""A name's other forms: the initials of a spelled-out name ("International Criminal Court" ->
"ICC"), and what a document's acronyms stand for ("… Imam Mahmoud Dicko (CMAS)"). Questions and
documents may use either form; retrieval, sentence choice and the name checks meet both."""
from __future__ import annotations

import re
from functools import cached_property

from index import fold

_CONNECTORS = {"of", "for", "and", "the", "on", "in", "de", "du", "des", "la", "le", "et", "&"}


def acronyms(text: str, max_words: int = 8) -> list[tuple[str, tuple[str, ...]]]:
    """(initials, the words they stand for, as written) for each run of three or more capitalised words:
    "the International Criminal Court" -> ("ICC", ("International", "Criminal", "Court")).
    Connectors inside a run are skipped ("Office for the Coordination of Humanitarian Affairs"
    -> "OCHA") and also tried as letters ("Economic Community of West African States" ->
    "ECOWAS"); every sub-run counts, so a capitalised word before the name does no harm. Two
    words make two-letter initials, which match too much by chance."""
    out: list[tuple[str, tuple[str, ...]]] = []
    run: list[str] = []  # capitalised words and the connectors between them
    for tok in re.findall(r"[\w'’&-]+", text) + [""]:
        if tok[:1].isupper() and tok[:1].isalpha() and not tok.isupper():
            run.append(tok)
            continue
        if tok.lower() in _CONNECTORS and run:
            run.append(tok.lower())
            continue
        caps = [i for i, w in enumerate(run) if w[:1].isupper()]
        for a in range(len(caps)):
            for b in range(a + 2, min(len(caps), a + max_words)):
                span = tuple(run[caps[a]:caps[b] + 1])
                name = [w for w in span if w[:1].isupper()]
                out.append(("".join(w[0] for w in name).upper(), span))
                if len(span) > len(name):
                    out.append(("".join(w[0] for w in span).upper(), span))
        run = []
    return list(dict.fromkeys(out))


# "the Malian Association of Students and Pupils (AEEM)": a name, then its acronym in brackets.
_DEFINED = re.compile(r"((?:[A-ZÀ-Þ][\w'’-]*(?:,|\s|–|-)+(?:(?:of|for|and|the|de|du|des|la|le|et|in|on|to)\s+)*){1,12})"
                      r"\(([A-Z][A-Za-z&]{1,9})\)")


def _trim_name(run: str, short: str) -> str:
    """The name an acronym stands for, without what leads into it ("In April, the Malian
    Association…" -> "Malian Association…"): it starts at a word with the acronym's first letter."""
    words_ = run.strip(" ,–-").split()
    while len(words_) > 1 and (words_[0][0] != short[0] or words_[0].endswith(",") or not words_[0][0].isupper()):
        words_.pop(0)
    return " ".join(words_).strip(" ,–-")


class DocumentNames:
    """A document's folded text for the checks on a question's names, and (worked out on first
    need, as most questions never ask) its names by their initials: {"ICC": "International
    Criminal Court"}. A name the document defines ("… of Imam Mahmoud Dicko (CMAS)") wins over
    one guessed from initials."""

    def __init__(self, chunks: list) -> None:
        self.raw = " ".join(c.text for c in chunks if c.kind != "sentence")
        self.folded = fold(self.raw)

    @cached_property
    def spelled(self) -> dict[str, str]:
        spelled = {m.group(2): _trim_name(m.group(1), m.group(2)) for m in _DEFINED.finditer(self.raw)}
        for short, ws in acronyms(self.raw):
            spelled.setdefault(short, " ".join(ws))
        return spelled

    @cached_property
    def initials(self) -> str:
        return fold(" ".join(self.spelled))
