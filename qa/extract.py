"""Pick the one or two sentences of the retrieved passages that answer the question."""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from index import LEADING_REFERENCE, SearchIndex, fold, stem, terms, words

from .answer_types import (LEADS, NEGATION, ROLE_NOUN, has_day, has_type, months_in, names_in, other_holder, person_names, roles_in,
                           table_row_label)
from .grounding import WordMatcher
from .question import ANY, PERSON_OR_ORG, Question
from .retrieve import Retrieval


@dataclass(frozen=True)
class ExtractWeights:
    """How sentence features add up (chosen on the dev set, coarse grid, round numbers)."""

    sentence: float = 1.0  # fused dense+BM25 score of the sentence, min-max scaled
    rank: float = 1.0  # 1/(1+rank) of its passage
    lexical: float = 0.3  # share of question stems in the sentence
    align: float = 4.0  # mean best word-vector match of question words in the sentence
    answer_type: float = 0.35
    footnote: float = 1.0  # a footnote quoted when the question is not about sources
    mentions: float = 0.3  # follow-ups: per name (up to 3) the sentence shares with the conversation
    second_margin: float = 0.75  # quote the runner-up from the same paragraph when this close
    when: float = 1.0  # the question names a month: a sentence naming it gains, one naming only others loses
    event: float = 0.5  # a "when was X <done>" question: the sentence does not say it was done
    table_row: float = 1.0  # a table row (read as "Marrow: 2022 410; 2023 560") whose label the question names
    advice: float = 1.0  # a recommendation restates a fact without giving it; quoted only when advice is asked
    role: float = 3.0  # the sentence names the asked role only under another rank ("deputy chair" for "chair")
    number: float = 0.5  # the sentence holds a number the question gives ("10 anos" -> "10 years"), in any language


@dataclass(frozen=True)
class Candidate:
    row: int  # chunk row of the sentence (or footnote)
    passage_row: int
    passage_rank: int
    score: float
    type_ok: bool


def candidates(q: Question, r: Retrieval, index: SearchIndex, n_passages: int,
               sentence_score: np.ndarray | None = None, already_said: str = "",
               matcher: WordMatcher | None = None, question_words: list[str] | None = None,
               weights: "ExtractWeights | None" = None) -> list[Candidate]:
    """Every sentence of the top passages, scored: sentence-level fused score, passage rank,
    share of question terms present, how well each question word finds a (synonym) partner in
    the sentence itself, whether it holds the expected answer type, and (in a follow-up)
    whether it merely repeats what was already said."""
    w = weights or ExtractWeights()
    rows: list[tuple[int, int, int]] = []
    for rank, (prow, _) in enumerate(r.ranked[:n_passages]):
        chunk = index.chunks[prow]
        kids = index.children.get(chunk.id, []) if chunk.kind == "paragraph" else [prow]
        rows.extend((row, prow, rank) for row in kids)
    if not rows:
        return []
    base = r.sentence_score if sentence_score is None else sentence_score
    srrf = np.array([base[row] for row, _, _ in rows])
    srrf = (srrf - srrf.min()) / max(srrf.max() - srrf.min(), 1e-9)
    qwords = {fold(n) for n in q.names}
    query_terms = set(q.terms)
    # Names from the conversation point at the sentence a follow-up is about ("them" = Douna's victims).
    said = {fold(n) for n in names_in(already_said)}
    asked_months = months_in(q.text)
    asked_numbers = set(_NUMBER.findall(q.text))
    asked_roles = roles_in(q.text)
    wants_advice = bool(_ADVICE_ASKED.search(q.text))
    # "When was the party chair arrested?": the date must be of an arrest, not of another event
    # of the same party.
    event = _EVENT_ASKED.search(q.events)
    event = stem(fold(event.group(1))) if event else ""
    out = []
    for (row, prow, rank), s in zip(rows, srrf):
        text = index.chunks[row].text
        # "He was released on 3 October." inherits who "he" is from the sentences before it.
        scope = with_antecedents(row, index)
        stems = set(terms(scope))
        lex = len(query_terms & stems) / max(len(query_terms), 1)
        # "On what date…" wants a day: a bare month is not one.
        ok = has_type(text, q.answer_type, qwords) and (not q.wants_day or has_day(text))
        if q.wants_person or q.predicate in LEADS:
            # "Who is the minister of labour?", "who heads the agency?": a person's name (and, for
            # the head, a word of heading) in the sentence itself
            ok = ok and any(fold(w) not in qwords for n in person_names(text) for w in n.split()) \
                and (q.predicate not in LEADS or bool(ROLE_NOUN.search(text)))
        # A footnote names a source; the body states the fact. Quote a note only when asked about sources.
        source_penalty = 0.0
        if index.chunks[row].kind == "footnote" and not q.wants_source:
            # A note that only names its source is penalised in full; one that says more ("The
            # CCLC counted 1,309 detentions") less: it may hold what the body leaves out.
            source_penalty = w.footnote if _REFERENCE_ONLY.search(text) or len(text.split()) < 12 else w.footnote / 3
        mentions = len({fold(n) for n in names_in(text)} & said) if said else 0
        align = 0.0
        if matcher is not None and question_words:
            sent_words = [x for x in words(scope) if x in index.vocab_row]
            if sent_words:
                align = float(matcher.similarity(question_words, sent_words).mean())
        when = 0.0
        if asked_months:
            named = months_in(text)
            when = w.when if named & asked_months else (-w.when if named else 0.0)
        numbered = w.number if asked_numbers and asked_numbers & set(_NUMBER.findall(text)) else 0.0
        label = table_row_label(text)
        named_row = w.table_row if label and qwords & {fold(x) for x in words(label)} else 0.0
        # Signs the sentence is about something else: another holder of the role, advice, another event.
        off = w.role if asked_roles and other_holder(asked_roles, text) else 0.0
        if not wants_advice and any(_ADVICE_HEADING.search(h) for h in index.chunks[row].section):
            off += w.advice
        if event and event not in stems and not (event in _CHARGED and _CHARGED & stems):
            off += w.event
        score = (w.sentence * float(s) + w.rank / (1 + rank) + w.lexical * lex + w.align * align + numbered
                 + (w.answer_type if ok and q.answer_type != ANY else 0.0)
                 + w.mentions * min(mentions, 3) - source_penalty + when + named_row - off)
        out.append(Candidate(row, prow, rank, score, ok))
    out.sort(key=lambda c: -c.score)
    return out


# A note that is a reference: a quoted title, a link, or a title and a date and nothing more.
_REFERENCE_ONLY = re.compile(r"^\W*[“\"«]|https?://|www\.|↩|^[^.]{0,160},\s*(?:\d{1,2}\s+)?[A-Z][a-z]+\.?\s*(?:\d{1,2},?\s*)?(?:\d{4})?\.?\s*$")
# "Recommendations": what should happen, not what did.
_ADVICE_HEADING = re.compile(r"\brecommendations?\b|\bwhat (?:must|should|needs? to) (?:be done|happen|change)\b|\bcalls? to action\b",
                             re.I)
_ADVICE_ASKED = re.compile(r"\brecommend\w*|\bcall(?:s|ed|ing)? (?:on|for|upon)\b|\burg\w+|\bshould\b|\bdemand\w*|\badvi[cs]\w*", re.I)
_EVENT_ASKED = re.compile(r"^(?:when|(?:in |on )?(?:what|which) (?:exact )?(?:year|month|day|date)"
                          # "of what offence was the editor convicted?": the offence of a conviction, not of an arrest
                          r"|(?:of |on |for |with )?(?:what|which) (?:[\w-]+ )?(?:offen[cs]es?|crimes?|charges?))"
                          r" (?:was|were|had|has|have) (?:[\w’'-]+ ){1,6}?([a-z]{4,}ed)(?: (?:of|with|for|on))?\s*\??$", re.I)
_YES_NO = re.compile(r"^(?:did|does|do|has|have|had|is|are|was|were|will|would|can|could)\b", re.I)
# Being accused is said many ways: "accused of X" is answered by "charged with X".
_CHARGED = {stem(w) for w in ("accused", "charged", "indicted", "prosecuted")}
# A number standing alone (not "5th", not inside a word): "10", "11,300", "2.5".
_NUMBER = re.compile(r"(?<![\w.,])\d(?:[\d,.]*\d)?(?![\w])")
# "the party's chair" leans on the sentence that named the party.
_OWNER_REFERENCE = re.compile(r"^(?:\W*\w+\W+){0,6}?the (?:party|group|organi[sz]ation|movement|union|association|company|"
                              r"coalition|council|agency|network|body|newspaper|channel|station|government)['’]s\b", re.I)
_PRONOUN_START = re.compile(r"^(?:\W*\w+\W+){0,6}?(?:he|she|they|him|her|them|his|their|its)\b", re.I)


def antecedents(row: int, index: SearchIndex) -> str:
    """The sentences a sentence's opening pronoun leans on ("He was released…"): those before it,
    back to the first one that does not itself start with a pronoun; "" when it leans on none."""
    chunk = index.chunks[row]
    if chunk.kind != "sentence" or not (LEADING_REFERENCE.match(chunk.text) or _OWNER_REFERENCE.match(chunk.text)):
        return ""
    before = [r for r in index.children.get(chunk.parent, []) if r < row]
    if not before:
        # The first sentence of a paragraph leans on the paragraph before, in the same section
        # ("The Civic Alliance was removed…" / "On 27 June, the party's chair…").
        para_row = row - 1  # a paragraph's row comes right before its sentences'
        last = index.chunks[para_row - 1] if para_row > 0 and index.chunks[para_row].id == chunk.parent else None
        if last is not None and last.kind == "sentence" and last.section == chunk.section:
            return " ".join(index.chunks[r].text for r in index.children.get(last.parent, []))
    lead: list[str] = []
    for r in reversed(before):
        lead.insert(0, index.chunks[r].text)
        if not _PRONOUN_START.match(index.chunks[r].text):
            break
    return " ".join(lead)


def scope_and_lead(row: int, index: SearchIndex) -> tuple[str, str]:
    """(:func:`with_antecedents`, :func:`antecedents`) of one sentence, its lead read once."""
    text = index.chunks[row].text
    lead = antecedents(row, index)
    return (" ".join(names_in(lead)) + " " + text if lead else text), lead


def with_antecedents(row: int, index: SearchIndex) -> str:
    """A sentence plus the names it leans on: "He was released on 3 October." gets the names of
    the sentences before it (see :func:`antecedents`)."""
    return scope_and_lead(row, index)[0]


def is_meta_name(name: str, meta_terms: set[str]) -> bool:
    """A name that stands for the document itself: its country ("Mali") or that country's
    demonym ("Malians"), the publisher ("Amnesty")."""
    n = fold(name)
    return n in meta_terms or any(len(m) >= 4 and n.startswith(m) for m in meta_terms if m.isalpha())


def select(cands: list[Candidate], q: Question, index: SearchIndex, max_sentences: int,
           margin: float | None = None, ignore: set[str] = frozenset()) -> list[Candidate]:
    """The best sentence, plus a second one when the runner-up from the same paragraph is
    nearly as good (the evidence is split), or when it names what the first lacks."""
    if not cands:
        return []
    best = cands[0]
    chosen = [best]
    if max_sentences < 2:
        return chosen
    margin = ExtractWeights.second_margin if margin is None else margin
    text = index.chunks[best.row].text
    if q.answer_type == PERSON_OR_ORG and LEADING_REFERENCE.match(text) and not person_names(text):
        # "Who was convicted of fake news?" is not answered by "In May, he was convicted…": quote
        # the sentence that names him too.
        kids = index.children.get(index.chunks[best.row].parent, [])
        if best.row in kids and kids.index(best.row) > 0:
            prev = kids[kids.index(best.row) - 1]
            return [Candidate(prev, best.passage_row, best.passage_rank, best.score, False), best]
    if _YES_NO.match(q.text) and not NEGATION.search(text):
        # "Has SOC paid the damages?": a sentence of the same paragraph saying it has not
        # ("no compensation has been paid") is the answer the best sentence leads up to.
        asked = set(q.terms)
        for c in cands[1:8]:
            other = index.chunks[c.row].text
            # about the same thing (a word in common), or the very next sentence ("The accusations
            # against him were not disclosed." after the arrest)
            if c.passage_row == best.passage_row and NEGATION.search(other) and (
                    asked & set(terms(other)) or c.row == best.row + 1):
                return sorted([best, c], key=lambda x: x.row)
    if len(cands) > 1 and cands[1].passage_row == best.passage_row and best.score - cands[1].score < margin:
        return chosen + [cands[1]]
    if not q.names:
        return chosen
    para = index.chunks[best.passage_row].text + " " + antecedents(best.row, index)
    missing = {fold(n) for n in q.names if fold(n) not in fold(para) and not is_meta_name(n, ignore)}
    if not missing:
        return chosen
    for c in cands[1:6]:
        text = fold(index.chunks[c.row].text)
        if c.passage_row != best.passage_row and any(m in text for m in missing):
            chosen.append(c)
            break
    return chosen
