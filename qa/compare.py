"""Questions that compare two dated events: "Of the two journalists, who was detained first?",
"Which leader was taken into custody earlier, Dalescu or her deputy?", "Which came first: the
ICC conviction or the Bamako arrests?". The answer is the two sentences that date each event,
the one asked for first; the reader sees both dates."""
from __future__ import annotations

import re

from index import STOPWORDS, SearchIndex, fold, stem, words

from .answer_types import MONTHS as _MONTHS, months_in, names_in, person_names
from .extract import Candidate, antecedents
from .grounding import WordMatcher
from .question import Question

_ORDER_ASKED = re.compile(r"\b(?:who|which|whom)\b.*\b(first|earlier|earliest|sooner|later|last|latest|most recently)\b"
                          r"|\b(first|earlier|earliest|sooner|later|last|latest)\b.*\b(?:who|which|whom)\b", re.I)
_TWO = re.compile(r"\bor\b|\b(?:two|both)\b|\bthe (?:other|two)\b", re.I)
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})\s+({'|'.join(_MONTHS)})\b(?:\s+((?:19|20)\d\d))?"
                        rf"|\b({'|'.join(_MONTHS)})\s+(\d{{1,2}})\b(?:,?\s+((?:19|20)\d\d))?"
                        rf"|\b(?:in|early|late|mid-?|by|during)\s+({'|'.join(_MONTHS)})\b(?:\s+((?:19|20)\d\d))?", re.I)
# Words of the question that say what happened, not which one or when.
_NOT_EVENT = {"first", "earlier", "earliest", "sooner", "later", "last", "latest", "recently", "two", "both", "other",
              "which", "who", "whom", "was", "were", "described", "mentioned", "report", "whose", "one"}


# What happened is said between the verb and the order word: "who was [detained] first".
_EVENT = re.compile(r"\b(?:was|were|got|had been|has been|did)\s+((?:[\w-]+\s+){1,4}?)(?:first|earlier|earliest|sooner|"
                    r"later|last|latest|most recently)\b", re.I)


def asks_order(text: str) -> bool:
    """Does the question ask which of two (or more) dated events came first or last?"""
    return bool(_ORDER_ASKED.search(text)) and bool(_TWO.search(text))


def _when(sentence: str, year: int) -> tuple[int, int, int] | None:
    """(year, month, day) of the first date in ``sentence``; a month alone counts as its middle."""
    m = _DAY_MONTH.search(sentence)
    if not m:
        return None
    if m.group(1):
        day, month, y = int(m.group(1)), m.group(2), m.group(3)
    elif m.group(4):
        day, month, y = int(m.group(5)), m.group(4), m.group(6)
    else:
        day, month, y = 15, m.group(7), m.group(8)
    return int(y) if y else year, _MONTHS.index(month.lower()) + 1, day


def order_events(q: Question, cands: list[Candidate], index: SearchIndex, matcher: WordMatcher | None,
                 year: int, limit: int = 12) -> list[Candidate]:
    """The two best candidate sentences that each date the asked event for a different person,
    the one the question asks for (first or last) first; [] when there are not two."""
    question = q.text
    asked = _EVENT.search(q.events)
    event = [w for w in words(asked.group(1) if asked else question) if w not in STOPWORDS and w not in _NOT_EVENT
             and len(w) > 3 and not w[0].isdigit()]
    later = bool(re.search(r"\b(?:later|last|latest|most recently)\b", question, re.I))
    # "later in July": both events in July; "Bathily or the coordinator": Bathily among the two.
    months = {_MONTHS.index(m) + 1 for m in months_in(question)}
    named = {fold(w) for n in person_names(question) for w in n.split()}
    # Other names the question gives ("Which Green Union leader…") stand by both events.
    about = {fold(w) for w in names_in(question) if fold(w) not in STOPWORDS and fold(w) not in _NOT_EVENT} - named
    picked: list[tuple[tuple[int, int, int], Candidate]] = []
    people: list[set[str]] = []
    for c in cands[:limit]:
        text = index.chunks[c.row].text
        when = _when(text, year)
        who = {fold(w) for n in person_names(text) for w in n.split()}
        if when is None or not who or any(who & p for p in people) or months and when[1] not in months:
            continue
        if about and not about & {fold(w) for w in names_in(f"{index.chunks[c.passage_row].text} {antecedents(c.row, index)}")}:
            continue
        said = [w for w in words(text) if w not in STOPWORDS]
        # The sentence must say the asked event happened ("arrested" for "detained first").
        if event and matcher is not None and said:
            if not any(stem(e) in {stem(s) for s in said} for e in event) and \
                    float(matcher.similarity(event, said).max()) < 0.6:
                continue
        picked.append((when, c))
        people.append(who)
        if len(picked) == 2:
            break
    if len(picked) < 2 or picked[0][0] == picked[1][0] or named and not named & (people[0] | people[1]):
        return []
    picked.sort(key=lambda p: p[0], reverse=later)
    return [c for _, c in picked]


# "Which came first: A or B?", "what happened earlier, A or B?"
_OPTIONS = re.compile(r"\b(?:came|happened|occurred|took place|was|were)\s+(first|earlier|later|last)\b[\s,:;-]*(.+?)\s*,?\s+or\s+"
                      r"(?:did\s+|was\s+)?(.+?)\s*\??$", re.I)


def _head(option: str) -> str:
    """The stemmed word that says which event an option is: the noun before "of" ("the end of the
    strike"), after a possessive ("Grill's arrest"), else the last word."""
    m = re.search(r"\b([a-z]{3,})\s+of\b", option, re.I) or re.search(r"['’]s\s+([a-z]{3,})\b", option, re.I)
    last = [w for w in words(option) if w not in STOPWORDS and len(w) > 2]
    return stem(fold(m.group(1))) if m else (stem(last[-1]) if last else "")


def order_options(q: Question, cands: list[Candidate], index: SearchIndex, year: int,
                  limit: int = 20) -> list[Candidate]:
    """For "which came first: A or B?", the dated sentence that best tells A and the one that best
    tells B, the one asked for first; [] when either is missing or both are one sentence."""
    m = _OPTIONS.search(q.text)
    if not m:
        return []
    pool = [c for c in cands[:limit] if _when(index.chunks[c.row].text, year) is not None]
    stems = {c.row: {stem(w) for w in words(index.chunks[c.row].text)} for c in pool}
    picked = []
    for option in (m.group(2), m.group(3)):
        want = {stem(w) for w in words(option) if w not in STOPWORDS and len(w) > 2}
        # A word few sentences share tells the event apart ("the end of the strike", not its start).
        weight = {w: 1.0 / max(1, sum(w in st for st in stems.values())) for w in want}
        head = _head(option)
        if head in weight:  # "the END of the strike", "Grill's ARREST": what happened, above where
            weight[head] *= 3
        best, share = None, 0.5
        for c in pool:
            got = sum(weight[w] for w in want & stems[c.row]) / max(sum(weight.values()), 1e-9)
            if got > share:
                best, share = c, got
        if best is None:
            return []
        picked.append(best)
    if picked[0].row == picked[1].row:
        return []
    dated = sorted(((_when(index.chunks[c.row].text, year), c) for c in picked), key=lambda p: p[0],
                   reverse=m.group(1).lower() in ("later", "last"))
    return [c for _, c in dated] if dated[0][0] != dated[1][0] else []
