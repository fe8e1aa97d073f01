"""Decide whether the quoted sentences really answer the question, or say so honestly."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from difflib import SequenceMatcher
from typing import Callable

from index import STOPWORDS, fold, stem, words

from .answer_types import (COUNTING, LEADS, MEASURE_UNITS, MONTHS, NEGATION, TIME_UNITS, age_owners, has_day, has_type, leader_named, months_in, names_within, other_holder, roles_in,
                           person_names, quantities, table_row_label)
from .grounding import WordMatcher, content_words, coverage
from .aliases import acronyms
from .question import (LIGHT_VERBS, PERSON_ROLES, AGE, ANY, CHARGE, DATE, DURATION, MONEY, PERSON_OR_ORG, PLACE, PROPORTION,
                       QUANTITY, Question)

INJECTION_REPLY = ("I only answer questions about the report, with quotes from it; "
                   "I can't follow other instructions or change what the report says.")
TASK_REPLY = "I can only answer questions about the report, quoting where it says so."
NOT_SAID_REPLY = "The report does not say."


@dataclass(frozen=True)
class Verdict:
    answerable: bool
    reason: str = ""
    message: str = ""
    # The quote lacks the thing asked for (a figure, a day, a name); a note it cites may hold it.
    lacks_answer: bool = False
    # What it lacks is a name of the kind asked (no judge, no person, no place): a later sentence
    # of the paragraph may give it.
    lacks_name: bool = False


def _acronym(word: str) -> bool:
    # Short all-caps words are often common nouns (UAV, NGO, GDP; NGOs) rather than names.
    return re.fullmatch(r"[A-Z]{2,3}s?", word) is not None


def unknown_names(q: Question, document_text: str, initials: Callable[[], str] | None = None) -> list[str]:
    """Names in an English question that the document never mentions, neither spelled out nor
    by its initials ("International Criminal Court" in a report that only says "ICC"; "ECOWAS"
    in one that only spells it out: ``initials`` gives the document's, asked only when needed)."""
    if not q.english:
        return []
    by_initials = {fold(w) for short, ws in acronyms(q.text)
                   if re.search(rf"\b{short.lower()}\b", document_text) for w in ws}
    def mentioned(name: str) -> bool:  # "Malians" is mentioned where "Malian" is, "Kenyan" where "Kenya" is
        f = fold(name)
        demonym = re.fullmatch(r"([a-z]{3,}?)(?:ians?|ans?|ese|is?|ns?)", f)
        return (f in document_text or f in by_initials
                or (len(f) > 4 and f.endswith("s") and re.search(rf"\b{re.escape(f[:-1])}\b", document_text) is not None)
                or (demonym is not None and len(demonym.group(1)) >= 4
                    and re.search(rf"\b{re.escape(demonym.group(1))}", document_text) is not None)
                or (initials is not None and name.isupper() and re.search(rf"\b{re.escape(f)}\b", initials()) is not None)
                # "Timbuktu-area villages", "Gao-region strikes": the name before a common word
                or ("-" in name and name.split("-", 1)[1][:1].islower() and mentioned(name.split("-", 1)[0])))
    return [n for n in q.names if not _acronym(n) and len(n) > 2 and not mentioned(n)]


def question_verdict(q: Question, *, document_text: str, top_similarity: float | None,
                     min_similarity: float, initials: Callable[[], str] | None = None) -> Verdict | None:
    """Checks on the question alone; a Verdict when it cannot be answered from the report."""
    if q.injection:
        return Verdict(False, "instruction", INJECTION_REPLY)
    if q.task:
        return Verdict(False, "task", TASK_REPLY)
    if top_similarity is not None and top_similarity < min_similarity:
        return Verdict(False, "off topic", NOT_SAID_REPLY)
    unknown = unknown_names(q, document_text, initials)
    if unknown:
        return Verdict(False, f"not in the report: {', '.join(unknown)}",
                       f"The report does not mention {', '.join(unknown)}.")
    return None


_FUTURE = re.compile(r"\b(?:will|would|shall|scheduled|planned|plans?|expected|due (?:to|in|on|by)|set (?:for|to)|postpon\w*|"
                     r"delay\w*|deferred|extend\w*|until|upcoming|next|forthcoming|to be held|intends?|pledged|promised|"
                     r"announced|by (?:19|20)\d\d)\b", re.I)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
# "in 2023", "in the 2019 election", "in Ebrania's 2014 presidential election"
# What a figure measures, when the question asks it without "how many": "what was the mortality ratio".
_MEASURED = {"rate", "rates", "ratio", "level", "levels", "total", "figure", "figures", "amount", "population",
             "turnout", "concentration", "concentrations", "price", "prices", "cost", "budget", "toll"}
# The first figure of a sentence that is not a year, and a year that follows it before any comparison.
_FIGURE = re.compile(r"(?<![\w.,])(?!(?:19|20)\d\d\b)\d[\d,.]*(?:%| per ?cent)?")
_FIGURE_YEAR = re.compile(r"(?:(?!\b(?:up|down|from|than|compared|against|versus|while|whereas)\b)[^;.])*?\b(?:in|during|for|by)\s+((?:19|20)\d\d)\b")
_ASKED_YEAR = re.compile(r"\b(?:in|during|for|of|throughout|by the end of)\s+(?:the\s+|[\w-]+['’]s\s+)?((?:19|20)\d\d)\b",
                         re.I)
# "Did the Privy Council uphold…?": a yes/no question about what someone named did.
_YES_NO_SUBJECT = re.compile(r"^(?:[Dd]id|[Dd]oes|[Dd]o|[Hh]as|[Hh]ave|[Hh]ad|[Ww]ill|[Ww]ould)\s+(?:the\s+)?((?:[A-Z][\w’'-]+\s?){1,4})\s*(?:(?:been|being|ever|already|yet|really|actually|also|still|any|ultimately|finally)\s+)?([a-z]{3,})\b")
_WHAT_DID = re.compile(r"^[Ww]hat (?:did|does|do|has|have|had|will)\s+(?:the\s+)?((?:[A-Z][\w’'-]+\s?){1,4})\s*"
                       r"(?:say|said|decide|decided|rule|ruled|conclude|find|found|announce|order|propose|recommend|claim|"
                       r"report|promise|demand|state|tell|ask|determine|hold|do)\b")
_PUBLISHERS = {"amnesty", "international", "report"}  # "What did Amnesty say…": the report itself
_PREVIOUS = re.compile(r"\b(?:previous|prior|preceding)\b", re.I)
_PREVIOUS_SAID = re.compile(r"\b(?:previous|prior|preceding|earlier|before|last|former|since)\b", re.I)
_ORDINAL_DIGITS = {"second": "2nd", "third": "3rd", "fourth": "4th", "fifth": "5th", "runner-up": "runner-up"}
_ORDINAL = re.compile(r"\b(?:came|come|comes|finished|placed|ranked|ranking)\s+(second|third|fourth|fifth)\b|\b(runner-up)\b", re.I)
_MOVEMENT = re.compile(r"\b(?:refugees?|migrants?|asylum|displaced|returnees?|deport\w*|sent back|returned)\b", re.I)
_FROM_PLACE = re.compile(r"\bfrom (?:neighbouring |neighboring |the )?((?:[A-Z][\w’'-]+ ?){1,3})")
# "Which judge…": the role asked must stand in the passage (not a party or a company: "which party"
# is answered by "the New Homeland Movement").
_ASKED_ROLE = re.compile(rf"\b(?:which|names? of (?:the|an?|this|that))\s+(?:[\w-]+\s+){{0,2}}?({PERSON_ROLES})s?\b", re.I)
_RANKS = {"colonel", "lieutenant", "captain", "general", "major", "sergeant", "commander", "corporal", "gendarme",
          "inspector", "commissioner", "superintendent", "officer", "officers"}
_ROLE_KINDS = {"officer": _RANKS, "commander": _RANKS, "judge": {"justice", "magistrate", "judges"},
               "journalist": {"reporter", "editor", "correspondent", "blogger", "journalists"},
               "lawyer": {"counsel", "attorney", "advocate", "lawyers"},
               "official": {"minister", "director", "governor", "mayor", "spokesperson", "spokesman", "spokeswoman",
                            "secretary", "commissioner", "head", "chief", "prefect", "officials"}}
_FACT_TYPES = (QUANTITY, DATE, DURATION, MONEY, AGE, PROPORTION)
# "Which country…": a place of a kind that is always named, so the quote must name one.
_NAMED_PLACE = re.compile(r"\b(?:which|what) (?:[a-z-]+ )?(?:country|countries|city|cities|town|towns|village|villages|"
                          r"province|provinces|region|regions|capital|state|states|island|islands)\b", re.I)
# "What is the name of the confederation…": the name must stand by the thing named.
_NAME_OF = re.compile(r"\b(?i:names? of (?:the|its|their|this|that|an?)) ((?:[a-z-]+ ){0,3})"
                      # "What is the new confederation of Mali, Niger and Burkina Faso called?"
                      r"|^(?i:what (?:is|was|are|were) (?:the|its|their|this|that) )((?:[a-z-]+ ){1,3})(?:(?i:of|for|in) .*)?"
                      r"(?i:called|named|known as)\s*\??$")
# "When did the law take effect" is not answered by the day it was adopted.
_IN_FORCE_ASKED = re.compile(r"\b(?:take|took|taken|takes|taking|come|came|comes|enter|entered|enters|go|went|goes|put) "
                             r"(?:in|into) (?:effect|force)\b|\btake(?:s|n)? effect\b|\btook effect\b|\bbec[oa]me effective\b", re.I)
_IN_FORCE_SAID = re.compile(r"\b(?:effect|force|effective|applied|implement\w*|enacted|promulgat\w*)\b", re.I)


@dataclass(frozen=True)
class Quote:
    """What the checks read: the quoted text, ``scope`` (the quote with the names its pronouns
    stand for: "Diawara … He was released"), the names the question gives that the document
    uses, the passage around the quote (``context``), the sentences an opening pronoun leans on
    (``lead``) and the document's title (its year is the year "during the year" means)."""

    q: Question
    text: str
    matcher: WordMatcher | None
    scope: str
    names: tuple[str, ...] = ()
    context: str = ""
    lead: str = ""
    title: str = ""

    # Read by several checks, worked out once per quote.
    @cached_property
    def scope_words(self) -> list[str]:
        # A table row ("Marrow: 2022 410") says what it counts in the table's heading and the
        # sentence before it, both in its context.
        return list(words(f"{self.scope} {self.context}" if table_row_label(self.text) else self.scope))

    @cached_property
    def question_names(self) -> set[str]:
        return {fold(n) for n in self.q.names}

    @cached_property
    def title_words(self) -> set[str]:
        return set(words(self.title))

    def lacks_subject(self, who: str, own: set[str] = frozenset()) -> bool:
        """Whether the question's subject ``who`` is missing from the quote, unless it is the
        document's own ("Mali's courts" in the Mali report) or in ``own``."""
        if {re.sub(r"'s$", "", w) for w in words(who)} <= self.title_words | own:
            return False
        return fold(who) not in fold(self.scope)


def _about_the_names(c: Quote) -> Verdict | None:
    # The right figure about the wrong place is a wrong answer.
    if c.q.answer_type in _FACT_TYPES and c.names and c.context and not any(n in fold(c.context) for n in c.names):
        return Verdict(False, f"the passage is not about {', '.join(c.names)}", NOT_SAID_REPLY)
    return None


def _the_year_asked(c: Quote) -> Verdict | None:
    asked = set(_ASKED_YEAR.findall(c.q.text))
    own = set(_YEAR.findall(c.title))
    if asked and own and not asked & own and not any(y in f"{c.text} {c.context}" for y in asked):
        # "How many journalists were detained in 2023?" is not answered by "during the year" of a 2024 report.
        return Verdict(False, f"the passage is not about {', '.join(sorted(asked))}", NOT_SAID_REPLY)
    return None


def _another_year(c: Quote) -> Verdict | None:
    # "What was the maternal mortality ratio in 2024?" is not answered by "212 deaths per 100,000
    # live births in 2023": the sentence's figure is dated to another year ("143 femicides, up
    # from 129 in 2023" dates only the figure it compares with).
    asked = set(_ASKED_YEAR.findall(c.q.text))
    if not asked or not (c.q.answer_type in (QUANTITY, PROPORTION, MONEY) or c.q.attribute
                         or _MEASURED.intersection(words(c.q.text))):
        return None
    figure = _FIGURE.search(c.text)
    dated = _FIGURE_YEAR.match(c.text, figure.end()) if figure else None
    if dated and not asked & set(_YEAR.findall(c.text)):
        return Verdict(False, f"the passage gives the figure for {dated.group(1)}, not {', '.join(sorted(asked))}",
                       NOT_SAID_REPLY)
    return None


def _role_holder(c: Quote) -> Verdict | None:
    # "Who is the mayor?" is not answered by the deputy mayor.
    asked = roles_in(c.q.text) if c.q.answer_type == PERSON_OR_ORG else set()
    if asked and other_holder(asked, c.text):
        return Verdict(False, "the passage names another rank of the role asked", NOT_SAID_REPLY,
                       lacks_answer=True, lacks_name=True)
    return None


def _answer_type(c: Quote) -> Verdict | None:
    # Names, places and charges only steer which sentence is quoted: "who" is often answered by
    # "the army" or "a judge", which no capitalisation rule recognises, and an offence can be
    # worded in more ways ("tried for", "held over") than a pattern lists.
    q = c.q
    if q.answer_type not in (ANY, PERSON_OR_ORG, PLACE, CHARGE) and not has_type(c.text, q.answer_type, c.question_names):
        return Verdict(False, f"no {q.answer_type} in the passage", NOT_SAID_REPLY, lacks_answer=True)
    if q.wants_day and not has_day(c.text):
        return Verdict(False, "the passage gives no day", NOT_SAID_REPLY, lacks_answer=True)
    return None


def _place_named(c: Quote) -> Verdict | None:
    if c.q.answer_type == PLACE and _NAMED_PLACE.search(c.q.text) \
            and not any(fold(n) not in c.question_names and fold(n) not in c.title_words for n in names_within(c.text)):
        return Verdict(False, "the passage names no place", NOT_SAID_REPLY, lacks_answer=True, lacks_name=True)
    return None


def _name_beside(c: Quote) -> Verdict | None:
    asked = _NAME_OF.search(c.q.text) if not c.q.wants_person else None
    # "name of the X" (group 1) is checked for identifying questions; "what is X called" (group 2) always
    if not asked or asked.group(1) is not None and not c.q.identify:
        return None
    nouns = [w for w in next(g for g in asked.groups() if g is not None).split() if w not in STOPWORDS]
    if not nouns:
        return None
    noun = stem(nouns[-1])
    spots = [m for m in re.finditer(r"[\w’'-]+", c.text) if stem(fold(m.group(0))) == noun]
    if not spots:
        return None
    others = c.question_names | c.title_words

    def named(m: re.Match) -> bool:
        # "the Confederation of Sahel States", "the Sahel confederation", "a confederation called
        # the Alliance of Sahel States", "the confederation (AES)"
        if m.group(0)[0].isupper():
            return True
        before = re.search(r"([\w’'-]+)\s+$", c.text[:m.start()])
        after = re.match(r"\s*(?:,|\(|:)?\s*(?:(?:called|named|known as|dubbed|titled|entitled)\s+)?(?:the\s+)?[“\"«]?([\w’'-]+)",
                         c.text[m.end():])
        return any(w and w[0].isupper() and fold(w) not in others and fold(w) not in STOPWORDS
                   for w in (before.group(1) if before else "", after.group(1) if after else ""))

    if not any(named(m) for m in spots):
        # "…formed a confederation in July" does not say what the confederation is called.
        return Verdict(False, f"the passage does not name the {nouns[-1]}", NOT_SAID_REPLY, lacks_answer=True)
    return None


# "What did the commission conclude?" is not answered by "it submitted its report" or "the
# findings had not been published": the passage must give a decision or a finding.
_OUTCOME_ASKED = re.compile(r"\bwhat (?:did|has|have|had|was|were) (?:[\w’'-]+ ){1,12}?(?:conclude|decide|rule|find|"
                            r"determine|decided|concluded|ruled|found)\b|\b(?:outcome|verdict|findings?|conclusions?|"
                            r"ruling) (?:of|on|in)\b", re.I)
_DECIDED = re.compile(r"\b(?:rul(?:ed|es|ing)|decid(?:ed|es)|upheld|uphold|overturned|dismissed|rejected|quashed|acquitted|"
                      r"convicted|found|finds|concluded|concludes|ordered|declared|sentenced|reduced|confirmed|granted|"
                      r"annulled|struck|blamed|attributed|recommended|awarded|cleared|freed|released|banned|dissolved|"
                      r"determined that|established that|accepted|denied|refused|approved|suspended|upholding|guilty)\b", re.I)
# "its findings had not been made public by the end of the year" gives none.
_NOT_PUBLISHED = re.compile(r"\b(?:findings|conclusions|report|results?|outcome)\b[^.;]{0,40}?\bnot (?:yet )?(?:been )?"
                            r"(?:made public|published|released|disclosed|announced)\b", re.I)


def _outcome(c: Quote) -> Verdict | None:
    if _OUTCOME_ASKED.search(c.q.text) and not _DECIDED.search(_NOT_PUBLISHED.sub(" ", c.scope)):
        return Verdict(False, "the passage gives no outcome", NOT_SAID_REPLY, lacks_answer=True)
    return None


def _in_force(c: Quote) -> Verdict | None:
    if _IN_FORCE_ASKED.search(c.q.text) and not _IN_FORCE_SAID.search(c.scope):
        return Verdict(False, "the passage does not say when it took effect", NOT_SAID_REPLY)
    return None


def _whose_age(c: Quote) -> Verdict | None:
    # An age belongs to a person: "Dario Kesk, 29" does not say how old Tobias Renk is.
    # People only: "the woman hurt in the Kessen Valley demolitions" names a place, not whose age.
    persons = {fold(w) for n in person_names(c.q.text) for w in n.split()} if c.q.answer_type == AGE else set()
    people = [n for n in c.names if n in persons and not any(a.isupper() and fold(a) == n for a in c.q.names)]
    if people:
        owners = age_owners(c.text)
        about = any(n in fold(c.scope) for n in people)
        if not about or (owners and all(o and not o & set(people) for o in owners)):
            return Verdict(False, f"the quote gives no age of {', '.join(people)}", NOT_SAID_REPLY)
    return None


def _to_come(c: Quote) -> Verdict | None:
    if c.q.future and not _FUTURE.search(c.scope):
        # "When will the next elections be held?" is not answered by elections already held.
        return Verdict(False, "the passage tells of nothing to come", NOT_SAID_REPLY)
    return None


def _named(c: Quote) -> Verdict | None:
    q = c.q
    # The document's own subject ("Morrowland held elections…") names no one a question asks for.
    if q.identify and not any(fold(n) not in c.question_names | c.title_words
                              for n in names_within(c.text, f"{c.context} {c.lead}")):
        # "Which investigating judge…" answered by "the investigating judge ordered…": the quote
        # repeats the description and names no one.
        return Verdict(False, "the passage names no one", NOT_SAID_REPLY, lacks_answer=True, lacks_name=True)
    role = _ASKED_ROLE.search(q.text) if q.identify else None
    # A general word is filled by a rank of its kind: "which officer" by "a lieutenant colonel".
    asked_role = fold(role.group(1)) if role else ""
    if role and not set(c.scope_words) & _ROLE_KINDS.get(asked_role, set()) \
            and not _matches(asked_role, c.scope_words, c.matcher, 0.75):
        # "Which judge presided over her trial?" is not answered by a sentence with no judge in it.
        return Verdict(False, f"the passage names no {role.group(1)}", NOT_SAID_REPLY, lacks_answer=True, lacks_name=True)
    if q.identify and q.wants_person and not any(any(fold(w) not in c.question_names for w in n.split())
                                                 for n in person_names(c.text) + person_names(c.lead)):
        # "What was the name of the teenager killed…" is not answered by the towns where it happened.
        return Verdict(False, "the passage names no person", NOT_SAID_REPLY, lacks_answer=True, lacks_name=True)
    return None


def _yes_no_subject(c: Quote) -> Verdict | None:
    asked = _YES_NO_SUBJECT.match(c.q.text)
    if not asked:
        return None
    who, verb = asked.group(1).strip(), asked.group(2)
    # "Did the Privy Council uphold the ruling?" is not answered by the ruling alone, nor by
    # "announced an appeal to the Privy Council".
    light = verb in LIGHT_VERBS or verb in ("have", "has", "had", "get", "got", "own")
    # "Has SOC paid the damages?" is answered by "no compensation has been paid" in a paragraph about SOC.
    denied = bool(NEGATION.search(c.text)) and fold(who) in fold(c.context)
    if c.lacks_subject(who) and not denied or not light and not _matches(verb, c.scope_words, c.matcher, 0.5):
        return Verdict(False, f"the passage does not say that {who} {verb}", NOT_SAID_REPLY)
    return None


# "Was Sangaré ever released?": the passage must say it was done, not only that he was arrested.
_YES_NO_PASSIVE = re.compile(r"^(?:was|were|is|are|has|have|had)\s+(?:[\w’'-]+\s+){1,6}?(?:(?:ever|already|yet|actually|"
                             r"finally|eventually|been|later|subsequently|also)\s+)+([a-z]{4,}ed)\b", re.I)


def _yes_no_done(c: Quote) -> Verdict | None:
    asked = _YES_NO_PASSIVE.match(c.q.text)
    if asked and not _matches(fold(asked.group(1)), c.scope_words, c.matcher, 0.5):
        return Verdict(False, f"the passage does not say it was {asked.group(1)}", NOT_SAID_REPLY)
    return None


def _earlier(c: Quote) -> Verdict | None:
    # "…in the previous general election?" is not answered by this year's election.
    if _PREVIOUS.search(c.q.text) and not _PREVIOUS_SAID.search(c.scope) \
            and not set(_YEAR.findall(c.scope)) - set(_YEAR.findall(c.title)):
        return Verdict(False, "the passage tells of nothing earlier", NOT_SAID_REPLY)
    return None


def _what_subject_did(c: Quote) -> Verdict | None:
    # "What did the Supreme Court decide on the act?" needs the Supreme Court in the quote.
    asked = _WHAT_DID.match(c.q.text)
    if not asked:
        return None
    who = asked.group(1).strip()
    if c.lacks_subject(who, _PUBLISHERS):
        return Verdict(False, f"the passage does not say what {who} did", NOT_SAID_REPLY)
    return None


def _rank(c: Quote) -> Verdict | None:
    # "Which party came second?" is not answered by the party that won.
    for m in _ORDINAL.finditer(c.q.text):
        ordinal = m.group(1) or m.group(2)
        if not re.search(rf"\b{ordinal}\b|\b{_ORDINAL_DIGITS[ordinal.lower()]}\b", c.scope, re.I):
            return Verdict(False, f"the passage says nothing {ordinal.lower()}", NOT_SAID_REPLY)
    return None


def _direction(c: Quote) -> Verdict | None:
    if not _MOVEMENT.search(c.q.text):
        return None
    for origin in _FROM_PLACE.findall(c.text):
        o = re.escape(origin.strip())
        if re.search(rf"\b(?:in|into|to|inside|within) (?:neighbouring |neighboring |the )?{o}\b", c.q.text) \
                and not re.search(rf"\bfrom (?:neighbouring |neighboring |the )?{o}\b", c.q.text):
            # "How many Kestrian refugees live in Dalmoria?" vs "Kestria hosted refugees from Dalmoria".
            return Verdict(False, f"the passage is about people from {origin.strip()}, not in it", NOT_SAID_REPLY)
    return None


_OTHER_FIGURE = r"|\b(?:up|down) from\b|\bcompared\b"  # where a second figure starts


def _years_after(text: str, figure: str, stops: str = "") -> set[str]:
    """The years written just after ``figure`` in ``text``, up to the end of its clause."""
    return set(_YEAR.findall(re.split(r"[;.,(]" + stops, text[text.find(figure) + len(figure):])[0][:80]))


def _counted(c: Quote) -> Verdict | None:
    q = c.q
    found = quantities(c.text)
    row = bool(table_row_label(c.text))
    if row:
        # "Oska: May 3; June 11; July 44": under a table's month columns a number is a count, not a day
        found = [("count" if kind == "date" else kind, nouns, t) for kind, nouns, t in found]
    if q.answer_type == QUANTITY:
        if q.focus not in TIME_UNITS and not any(kind in COUNTING for kind, _, _ in found):
            # "How many people died" is not answered by "On 12 June, a 34-year-old activist died".
            return Verdict(False, "the passage counts nothing", NOT_SAID_REPLY, lacks_answer=True)
        whole = re.search(r"\bhow many of (?:the|those|these) (\d[\d,]*)", q.text, re.I)
        if whole and re.sub(r"\D", "", whole.group(1)) not in {re.sub(r"\D", "", n) for n in re.findall(
                r"\d[\d,]*", f"{c.scope} {c.lead}")}:
            # "How many of the 120 arrested were charged?": a share of those 120, so a passage about them
            return Verdict(False, f"the passage is not about the {whole.group(1)}", NOT_SAID_REPLY, lacks_answer=True)
        given = {re.sub(r"[,.]", "", n) for n in re.findall(r"\d[\d,.]*\d|\d", q.text)}
        figures = [re.sub(r"[,.%]", "", t) for kind, _, t in found if kind in COUNTING]
        if given and figures and all(f in given for f in figures):
            # "Of the 312 protesters arrested, how many were charged?" is not answered by "312".
            return Verdict(False, "the passage gives no figure the question does not", NOT_SAID_REPLY, lacks_answer=True)
        if _WHOLE_PERIOD.search(q.text) and _PART_PERIOD.search(c.text):
            # "How many were displaced at the end of 2024?" is not answered by "as of 30 June".
            return Verdict(False, "the figure is for part of the period asked", NOT_SAID_REPLY, lacks_answer=True)
        period = _MONTH_RANGE.search(q.text)
        if period:
            # "How many … between July and December?" is not answered by "between January and June",
            # nor by "over the whole year".
            first, last = (MONTHS.index(m.lower()) for m in re.findall(_MONTH_NAMES, period.group(0), re.I))
            said = months_in(c.text)
            if not said & set(MONTHS[first:last + 1]) and (said or _YEAR_LONG.search(c.text)):
                return Verdict(False, "the figure is for another period", NOT_SAID_REPLY, lacks_answer=True)
    if not q.focus:
        return None
    # "How many seats did the Alliance hold?" is not answered by "19 percent of seats".
    many = q.answer_type == QUANTITY and "how many" in fold(q.text)
    counted = [w for kind, nouns, _ in found if not (many and kind == "share") for w in nouns]
    if row:  # a row's figures count what the table is of
        counted += [w for w in c.scope_words if w not in STOPWORDS]
    if re.search(r"\bof (?:them|those|these)\b", c.text):  # "19 of them lost an eye": them = who the scope names
        counted += c.scope_words + list(words(c.lead))  # or the sentence before ("trapping 30 miners. … killed 12 of them")
    # A name has no synonyms: "Venezuelans" are not counted by "400 Haitian children".
    named_focus = any(fold(n) == q.focus for n in q.names)
    # "How much water…" is answered by "40 litres a day" in a passage about water, "how much
    # notice…" by "90 days' written notice".
    # "How much warning must organisers give?" is answered by "notify the authorities 10 days in
    # advance": a span of time stands for the notice it measures, in other words too.
    measured = q.answer_type == QUANTITY and any(
        nouns and nouns[0] in MEASURE_UNITS and _matches(q.focus, c.scope_words, c.matcher, 1.01)
        or kind == "duration" and "how much" in fold(q.text) and _matches(q.focus, c.scope_words, c.matcher, 0.45)
        for kind, nouns, _ in found)
    # "How many smallholder farmers…" is answered by "20 smallholders": the noun's modifier, counted.
    modifier = re.search(rf"\bhow many ([a-z]+) {re.escape(q.focus)}\b", fold(q.text))
    if modifier and modifier.group(1) not in STOPWORDS and _matches(modifier.group(1), counted, c.matcher, 1.01):
        measured = True
    # "How many children were among the people killed?" or "how many women…" is not answered by
    # "13 people" (which the word model finds close to children): the count must name the kind.
    if _AMONG.search(q.text) or q.focus in _KINDS_OF_PEOPLE:
        counted = [w for w in counted if w not in _WHOLES]
    if not measured and not _matches(q.focus, counted, c.matcher, 1.01 if named_focus else 0.5):
        return Verdict(False, f"nothing counts {q.focus}", NOT_SAID_REPLY, lacks_answer=True)
    asked_years = set(_ASKED_YEAR.findall(q.text))
    if asked_years:
        # "How many calls did the helpline receive in 2024?" is not answered by "11,000 calls in
        # 2023" nor by "nine women since 2021"; "63 cases in 2024, compared with 58 in 2023" answers 2023.
        years = [_years_after(c.text, t, _OTHER_FIGURE) for kind, nouns, t in found
                 if kind in COUNTING and stem(q.focus) in {stem(n) for n in nouns}]
        any_asked = any(_years_after(c.text, t) & asked_years for kind, _, t in found if kind in COUNTING)
        if years and not any_asked and all(y and not y & asked_years for y in years):
            return Verdict(False, f"the figure is not for {', '.join(sorted(asked_years))}", NOT_SAID_REPLY,
                           lacks_answer=True)
    qualifier = None if named_focus else re.search(rf"\b([A-Z][\w’'-]+)\s+{re.escape(q.focus)}\b", q.text, re.I)
    if qualifier and qualifier.group(1)[0].isupper() and fold(qualifier.group(1)) not in c.title_words:
        # "How many Kestrian refugees…" is not answered by a count of Dalmorian refugees.
        stem_of = fold(qualifier.group(1))[:max(4, len(qualifier.group(1)) - 2)]
        if not re.search(rf"\b{re.escape(stem_of)}", fold(c.scope)):
            return Verdict(False, f"nothing counts {qualifier.group(1)} {q.focus}", NOT_SAID_REPLY, lacks_answer=True)
    return None


_WHOLES = {"people", "persons", "individuals", "civilians", "residents", "villagers", "others", "victims", "inhabitants"}
_KINDS_OF_PEOPLE = {"women", "men", "girls", "boys", "children", "minors", "teenagers", "adolescents", "babies", "infants",
                    "elderly", "students", "pupils", "teachers", "journalists", "lawyers", "doctors", "nurses", "soldiers"}
_AMONG = re.compile(r"\bhow many [a-z]+ (?:were|was) among\b|\bhow many of (?:the|those|these) [^?]{3,60}? (?:were|was) [a-z]+", re.I)
# A whole year asked, a part of it counted.
_WHOLE_PERIOD = re.compile(r"\b(?:at|by) the end of (?:the year|(?:19|20)\d\d|december)\b|\b(?:in )?the whole of\b"
                           r"|\b(?:in|during|throughout) (?:the )?(?:entire|whole|full) (?:year|(?:19|20)\d\d)\b|\ball (?:of )?(?:19|20)\d\d\b", re.I)
_MONTH_NAMES = "|".join(MONTHS)
_MONTH_RANGE = re.compile(rf"\b(?:between|from) (?:{_MONTH_NAMES}) (?:and|to|until|till|through) (?:{_MONTH_NAMES})\b"
                          rf"|\b(?:{_MONTH_NAMES})\s?[–-]\s?(?:{_MONTH_NAMES})\b", re.I)
_YEAR_LONG = re.compile(r"\b(?:over|during|throughout|in) the (?:whole |entire |full )?year\b|\bthe whole of (?:the year|(?:19|20)\d\d)\b",
                        re.I)
_BEFORE_DECEMBER = "|".join(MONTHS[:-1])
_PART_PERIOD = re.compile(rf"\b(?:as of|as at|by) (?:\d{{1,2}} )?(?:{_BEFORE_DECEMBER})\b|\bfirst (?:six|three|nine|half|quarter)\b"
                          rf"|\bbetween january and (?:{_BEFORE_DECEMBER})\b|\b(?:first|second) half of\b", re.I)


# What makes good a loss is named many ways: "how much compensation" is answered by "a one-off payment of…".
_REDRESS = {stem(w) for w in ("compensation", "compensated", "payment", "paid", "payout", "damages", "reparation",
                               "reparations", "indemnity", "settlement", "award", "awarded")}


def _attribute(c: Quote) -> Verdict | None:
    redress = c.q.answer_type == MONEY and stem(c.q.attribute) in _REDRESS and _REDRESS & {stem(w) for w in c.scope_words}
    if c.q.attribute and not redress and not _matches(c.q.attribute, c.scope_words, c.matcher, 0.6):
        return Verdict(False, f"the passage gives no {c.q.attribute}", NOT_SAID_REPLY, lacks_answer=True)
    return None


def _dated_subject(c: Quote) -> Verdict | None:
    q = c.q
    # A question about a source is answered by its footnote, a title that need not repeat the event.
    said = c.scope_words
    # "The law is scheduled to enter into force on 1 March 2025": "the law" is the one the
    # paragraph has just named, so what the question calls it may stand in the passage.
    definite = re.match(r"(?:The|This|That|These|Those) ([a-z]+)\b", c.text)
    if definite and stem(definite.group(1)) in c.q.terms:
        said = said + list(words(c.context))
    if q.subject and not q.wants_source and not any(_matches(w, said, c.matcher, 0.7) for w in q.subject):
        return Verdict(False, f"the passage does not date {' '.join(q.subject)}", NOT_SAID_REPLY)
    return None


# Going to law is said many ways: "who initiated the case" is answered by "a case brought by the
# ministry", "who challenged the closure" by "she brought a complaint against the closure".
_LEGAL_VERB = re.compile(r"^(?:br[io]\w*|fil\w*|lodg\w*|initiat\w*|launch\w*|submit\w*|challeng\w*|sued?|suing|"
                         r"petition\w*|appeal\w*|contest\w*)$")
_LEGAL_ACTION = re.compile(r"\b(?:brought|bring|brings|filed|files|lodged|lodges|initiated|launched|submitted|sued)\b"
                           r"(?:\s+[\w’'-]+){0,4}?\s*\b(?:cases?|complaints?|lawsuits?|suits?|petitions?|appeals?|"
                           r"challenges?|claims?|actions?)\b|\b(?:cases?|complaints?|lawsuits?|suits?|petitions?|appeals?|"
                           r"challenges?|claims?|actions?)\s+(?:was |were )?(?:brought|filed|lodged|initiated|launched|"
                           r"submitted)\b|\b(?:was|were)\s+(?:appealed|challenged|contested)\s+by\b", re.I)


# Killed and wounded are counted apart: "how many were wounded" is not answered by "killed nine".
_HARMS = ({"killed", "kill", "kills", "killing", "killings", "died", "die", "dead", "deaths", "death", "murdered",
           "executed", "lives"},
          {"wounded", "wound", "wounding", "injured", "injure", "injuring", "injuries", "injury", "hurt"})


_GAVE_FIGURES = re.compile(r"\b(?:provided|gave|supplied|released|published|issued|put out|compiled)\b.{0,20}"
                           r"\b(?:figures?|data|statistics|numbers?|estimates?|toll|count)\b", re.I)
_REPORTED = re.compile(r"\b(?:said|says|reported|recorded|registered|documented|counted|estimated|according to|revealed|"
                       r"announced|stated|logged)\b", re.I)


# A deal said from the other side: who bought is whom it was sold to.
_CONVERSE = {"bought": "sold", "purchased": "sold", "acquired": "sold", "sold": "bought", "borrowed": "lent",
             "lent": "borrowed", "rented": "leased", "hired": "employed"}


def _predicate(c: Quote) -> Verdict | None:
    q = c.q
    harm = next((h for h in _HARMS if q.predicate in h), None)
    if harm and not harm & set(c.scope_words):
        return Verdict(False, f"nobody in the passage was {q.predicate}", NOT_SAID_REPLY)
    leads = q.predicate in LEADS and leader_named(q.predicate, c.scope)
    leads = leads or bool(_LEGAL_VERB.match(q.predicate or "-")) and bool(_LEGAL_ACTION.search(c.scope))
    # "Who provided the figures on…" is answered by whoever "said 264,646 people were affected".
    leads = leads or bool(_GAVE_FIGURES.search(q.text)) and bool(_REPORTED.search(c.scope))
    # "Who bought the land?" is answered by "the land was sold to …"
    leads = leads or q.predicate in _CONVERSE and _matches(_CONVERSE[q.predicate], c.scope_words, c.matcher, 1.01)
    if q.predicate and " or " not in q.text and not leads and not _matches(q.predicate, c.scope_words, c.matcher, 0.5):
        return Verdict(False, f"nobody in the passage {q.predicate}", NOT_SAID_REPLY)
    return None


# In order; the second group reads words by meaning, so only English questions with a word model.
_ANY_LANGUAGE = (_about_the_names, _the_year_asked, _another_year, _answer_type, _role_holder, _whose_age, _to_come, _named, _place_named,
                 _name_beside)
_BY_WORDS = (_yes_no_subject, _yes_no_done, _what_subject_did, _earlier, _rank, _direction, _counted, _attribute, _dated_subject,
             _in_force, _outcome, _predicate)


def quote_verdict(q: Question, quoted: str, matcher: WordMatcher | None, scope: str | None = None,
                  names: list[str] = (), context: str = "", lead: str = "", title: str = "") -> Verdict:
    """Does this quote hold what the question asks for: the answer type, the counted thing, the
    asked attribute, the verb of a "who" question, about the names and the year asked? The first
    failed check gives the verdict (see :class:`Quote` for the arguments)."""
    c = Quote(q, quoted, matcher, quoted if scope is None else scope, tuple(names), context, lead, title)
    checks = _ANY_LANGUAGE + (_BY_WORDS if q.english and matcher is not None else ())
    return next((v for check in checks if (v := check(c)) is not None), Verdict(True))


def coverage_verdict(q: Question, quoted: str, context: str, meta_terms: set[str], matcher: WordMatcher | None,
                     min_coverage: float, min_alignment: float) -> Verdict:
    """A last guard: almost no question word in the passage and a weak word-by-word match."""
    if not q.english or matcher is None:
        return Verdict(True)
    qwords = content_words(q.events, meta_terms)
    share, missing = coverage(qwords, context, matcher)
    if share < min_coverage:
        align = matcher.similarity(qwords, [w for w in words(quoted) if w not in STOPWORDS]).mean() if qwords else 1.0
        if align < min_alignment:
            return Verdict(False, f"not covered: {', '.join(missing)}", NOT_SAID_REPLY)
    return Verdict(True)


def _matches(word: str, candidates: list[str], matcher: WordMatcher, threshold: float) -> bool:
    """``word`` or a near synonym of it among ``candidates`` (same stem counts)."""
    candidates = [c for c in candidates if c not in STOPWORDS and not c[0].isdigit()]
    if stem(word) in {stem(c) for c in candidates}:
        return True
    # A typo ("chaird") is close in letters, not in meaning to the model.
    if len(word) >= 5 and any(abs(len(c) - len(word)) <= 2 and SequenceMatcher(None, word, c).ratio() >= 0.85
                              for c in candidates):
        return True
    return bool(candidates) and float(matcher.similarity([word], candidates)[0]) >= threshold


def meta_terms_for(title: str, source: str) -> set[str]:
    """Words that describe the whole document (title, file name) and so prove nothing."""
    stemless = set(re.findall(r"[a-z0-9]+", fold(f"{title} {source.rsplit('/', 1)[-1]}")))
    return stemless | {"amnesty", "international", "report", "document", "country", "year"}
