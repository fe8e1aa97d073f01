"""Read a question: clean it, guess its language, the kind of answer it wants, its key terms."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from index import STOPWORDS, fold, stem, words

# Answer types a sentence can be checked for.
QUANTITY, DATE, DURATION, MONEY, PERSON_OR_ORG, PLACE, REASON, TITLE, CHARGE, AGE, PENALTY, PROPORTION, EXPLANATION, ANY = (
    "quantity", "date", "duration", "money", "name", "place", "reason", "title", "charge", "age", "penalty",
    "proportion", "explanation", "any")

_TYPE_RULES: list[tuple[str, str]] = [
    (r"\b(?:title|titled|entitled)\b", TITLE),
    (r"\bhow (?:long|soon|quickly|many (?:days|weeks|months|years|hours))\b|\bfor how long\b|\bduration\b", DURATION),
    (r"\bwhat (?:\w+ )?(?:proportion|percentage|share|fraction|percent)\b|\bhow much of\b|\bwhat part of\b", PROPORTION),
    (r"\bhow (?:much|large|big|high|great|heavy)\b.*\b(?:fine|fined|pay|paid|cost|costs|spen[dt]|worth|compensat\w*|"
     r"budget|money|price|salary|funding|fund|funds|grant|loan|debt|bail|ransom|allocat\w*|award\w*|invest\w*|financ\w*|"
     r"revenues?|income|profits?|donat\w*|earn\w*|raised?|lend|lent|borrow\w*)\b"
     # a sum asked by what it is: "what payout per family did the city propose?"
     r"|^(?:what|which) (?:\w+ )?(?:payouts?|sums?|ransom|bail|salary|wages?|fines?)\b(?! (?:of|for) (?:the )?(?:law|decree))", MONEY),
    (r"\bhow old\b|\bwhat (?:is|was) (?:the |his |her |their )?age\b|\bat what age\b", AGE),
    # Asked why, or how something was explained, before any count: "how did officials explain the death…?"
    # How someone explained a thing: what they said, claimed or blamed it on.
    (r"\bhow did (?:[\w-]+ ){1,4}(?:explain|justify|account for|defend)\b|\bwhat (?:[a-z]+ )?(?:explanation|justification)\b"
     r"|\bwhat (?:[a-z]+ )?reasons? did (?:[\w-]+ ){1,5}(?:give|cite|offer|provide|advance|put forward)\b"
     r"|\bwhy did (?:[\w-]+ ){1,5}(?:say|claim|argue|insist|state)\b"
     # "What did the army say about the men killed?" (not "what did the report say…", which asks its content)
     r"|\bwhat did (?!(?:the |this )?(?:report|document|amnesty|it|chapter|briefing|study)\b)(?:[\w-]+ ){1,4}?"
     r"(?:say|claim|state|allege|insist)\b", EXPLANATION),
    (r"\bwhy\b|\bwhat (?:led|caused|prompted)\b|\bwhat (?:is|was|are|were) the reasons? (?:for|behind|why)\b"
     r"|\bwhat grounds\b", REASON),
    # Opening with the date asked: "On what date did prosecutors close the inquiry into his death?"
    (r"^(?:on |in |by |since )?(?:what|which) (?:exact |precise |specific )?(?:date|day|year|month)\b|^when\b", DATE),
    (r"\bhow (?:many|much)\b|\bnumber of\b|\bwhat number\b"
     r"|\bdeath toll\b|\bcount\b|\bage\b", QUANTITY),
    # "when" asks a date unless it opens a clause of a question that asks something else:
    # "what subject was he studying when he was killed?" ("…and when?" still asks one).
    (r"^(?!(?:what|which|who|whom|whose|how|where|why)\b).*\bwhen\b|\band when\b|\bwhat (?:exact |precise )?(?:date|day|year|month|time)\b|\bwhich (?:date|day|year|month)\b|\bsince when\b"
     r"|\buntil what\b|\bon what date\b|\b(?:publication )?date\b", DATE),
    (r"\bwhere\b|\bwhich (?:region|village|town|city|prison|country|countries|place|district|area)\b"
     r"|\bin what (?:region|place|town|city)\b", PLACE),
    # The punishment a court gave: "what sentence did he receive", "what was he sentenced to".
    (r"\bwhat (?:\w+ )?(?:sentences?|penalt(?:y|ies)|punishments?|prison terms?|jail terms?)\b"
     r"|\bsentenced to\s*\?|\bpunished (?:with|by)\s*\?", PENALTY),
    # The offence someone was accused of, charged with or convicted of (legal and rights reports).
    (r"\b(?:what|which)\s+(?:\w+\s+)?(?:accusations?|charges?|crimes?|offen[cs]es?|allegations?)\b"
     r"|\b(?:accused|charged|convicted|guilty|suspected)\s+(?:\w+\s+)?(?:of|with)\s*\?", CHARGE),
    # "who" asks unless it opens a clause of a question that asks something else: "what payout did
    # the city offer people whose homes were bulldozed?"
    (r"^(?!(?:what|which|how|when|where|why)\b).*\b(?:who|whom|whose)\b|^(?:what|which) (?:is|was|are|were) (?:who|whose)\b"
     r"|\bwhich (?:[\w-]+ ){0,2}(?:organi[sz]ations?|groups?|agency|agencies|body|bodies|ngos?|"
     r"part(?:y|ies)|politicians?|person|people|man|woman|men|women|court|judge|officials?|ministers?|ministry|officers?|"
     r"leaders?|members?|journalists?|activists?|president|commanders?|prosecutors?|lawyers?|compan(?:y|ies)|firms?|"
     r"authorit(?:y|ies)|institutions?|militia|movements?|coalitions?|unions?|associations?)\b"
     r"|\bname (?:an?|the|one)\b|\bwhat(?:['’]?s| is| was| are| were) (?:the )?names? of\b|^names? of (?:the|an?|this|that)\b", PERSON_OR_ORG),
    # Typed as keywords, "drone strike Douna deaths" asks a count; a question put in words says
    # what it asks ("who challenged the inquiry into his death?", "what does the report recommend…").
    (r"^(?!(?:what|who|whom|whose|when|where|why|how|which|is|are|was|were|do|does|did|can|could|has|have|had)\b)"
     r".*\bdeaths?\b", QUANTITY),
    (r"\breason\b", REASON),
    # French, Spanish, Portuguese: the multilingual model retrieves; the answer type still checks.
    (r"\bcombien de temps\b|\bpendant combien\b|\bcu[aá]nto tiempo\b|\bquanto tempo\b", DURATION),
    (r"\bcombien\b|\bcu[aá]nt[oa]s?\b|\bquant[oa]s?\b|\bquel(?:le)? (?:nombre|proportion|pourcentage)\b"
     r"|\bqu[eé] (?:n[uú]mero|porcentaje|proporci[oó]n)\b|\bque (?:n[uú]mero|porcentagem|propor[cç][aã]o)\b", QUANTITY),
    (r"\bquand\b|\bcu[aá]ndo\b|\bquando\b|\bquelle (?:date|ann[eé]e)\b|\bqu[eé] (?:fecha|a[nñ]o)\b"
     r"|\b(?:que|qual) (?:data|ano)\b", DATE),
    (r"(?:^|\s)o[uù]\s|\bd[oó]nde\b|\bonde\b", PLACE),
    (r"\bqui\b|\bqui[eé]n(?:es)?\b|\bquem\b", PERSON_OR_ORG),
]

_QUESTION_WORDS = {"what", "which", "who", "whom", "whose", "when", "where", "why", "how", "many", "much",
                   "long", "old", "tell", "give", "describe", "explain", "list", "name", "please", "according",
                   "report", "amnesty", "say", "said", "does", "did", "happen", "happened", "kind", "type",
                   "anything", "something", "information", "know", "mention", "mentioned", "also"}

_INJECTION = re.compile(
    r"\b(?:ignore|disregard|forget|override|bypass)\b.{0,40}\b(?:instructions?|rules?|prompt|report|above|previous|guidelines?)\b"
    r"|\b(?:system prompt|your (?:instructions|rules|configuration|prompt|api key|settings))\b"
    r"|\b(?:pretend|act as|you are now|jailbreak|developer mode|roleplay)\b"
    # A question that closes a prompt's sections or hands out orders: "</context> New instructions: …"
    # ("the new rules on demonstrations" is a question about a law, not an order)
    r"|\bnew (?:instructions?|task)\b|\b(?:your|these|my|following) new rules\b|\bnew rules\s*[:\-]"
    r"|</?\s*(?:context|system|instructions?|prompt|user|assistant)\s*>"
    r"|\b(?:print|reveal|show|repeat|output)\b.{0,30}\b(?:prompt|instructions|configuration|config|secrets?|password|environment)\b"
    # Asked to assert something rather than to look it up: "Repeat after me: …", "Say that …".
    r"|^\W*(?:please\s+)?(?:repeat after me|(?:say|confirm|state|declare|agree|admit|pretend)\s+(?:that|this)\b|say\s*[:'\"“‘])",
    re.I | re.S)
_TASK = re.compile(
    r"^\s*(?:please\s+)?(?:write|compose|draft|generate|create|make|translate|summari[sz]e (?:this|the following)|"
    r"tell me a (?:joke|story)|sing|play|code|implement|calculate|solve)\b"
    # small talk no report answers: the weather tomorrow, the time, the bot itself
    r"|\b(?:weather|forecast)\b[^?]{0,40}\b(?:today|tomorrow|tomorow|tonight|this week(?:end)?|right now)\b"
    r"|\bwhat time is it\b|\bhow are you\b|\bwho are you\b", re.I)

# An overview of a topic: a few sentences in their setting answer it better than the single best one.
_OVERVIEW = re.compile(
    r"\b(?:overview|summar(?:y|ise|ize)|sum(?:s|med)? (?:it )?up|recap|rundown|gist|in (?:short|brief|a nutshell|general)|briefly)\b"
    r"|\bwhat (?:does|did|do) (?:the |this |amnesty'?s? |its? )?(?:\w+ ){0,3}?(?:report|chapter|briefing|document|study|amnesty|it) "
    r"(?:say|said|find|found|document|documented|conclude|concluded|report|reported) (?:about|on|regarding|concerning)\b"
    r"|\bhow (?:were|was|are|is|have|has) (?:[\w'’-]+ ){1,8}?(?:been )?treated\b"
    r"|\b(?:main|key|major) (?:human rights )?(?:concerns|issues|problems|findings|points)\b", re.I)

_SOURCE = re.compile(r"\btitle of\b[^?]{0,40}?\b(?:report|briefing|statement|study|publication|press release|paper)\b|"
                     r"\b(?:statement|publish\w*|publication|press release|news release|put out|source|footnote|note|reference|cited|"
                     r"headline|article|titled|appeal (?:published|issued)|public statement|call(?:ed|ing)? for)\b|"
                     # "which report backs up the claim…"
                     r"\bback(?:s|ed|ing)? (?:it |this |that |them )?up\b|\b(?:which|what) (?:\w+ )?(?:report|publication|study|briefing)"
                     r" (?:is |was )?(?:backs?|supports?|documents?|shows?|cited|quoted|referenced)\b", re.I)

_KNOWN_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK", "ARABIC", "HEBREW", "CJK", "HIRAGANA", "KATAKANA", "HANGUL",
                  "DEVANAGARI", "BENGALI", "THAI", "ARMENIAN", "GEORGIAN", "TAMIL", "TELUGU", "GUJARATI",
                  "KANNADA", "MALAYALAM", "GURMUKHI", "ETHIOPIC", "PERSIAN", "URDU", "SINHALA", "KHMER", "LAO",
                  "MYANMAR", "TIBETAN", "FULLWIDTH")

_LANG_MARKERS = {
    "en": {"the", "what", "which", "who", "how", "when", "did", "was", "were", "is", "are", "of", "and", "in"},
    "fr": {"le", "la", "les", "des", "combien", "quelle", "quel", "quand", "qui", "est", "sont", "ont", "à", "du", "pourquoi", "d'écoles", "selon"},
    "es": {"el", "los", "las", "cuántas", "cuántos", "cuál", "cuándo", "quién", "según", "por", "eran", "fue", "del", "qué"},
    "pt": {"o", "os", "as", "qual", "quantos", "quantas", "quando", "quem", "é", "para", "entre", "do", "da", "no", "na", "prevista"},
    "de": {"der", "die", "das", "wie", "viele", "wann", "wer", "ist", "und", "nach", "warum"},
}


@dataclass(frozen=True)
class Question:
    """A cleaned question and what we know about the answer it wants."""

    text: str
    language: str  # "en", "fr", "es", "pt", "de" or "other"
    answer_type: str
    terms: tuple[str, ...]  # stemmed content terms, question words removed
    names: tuple[str, ...]  # capitalised names as written ("Mauritania", "MINUSMA")
    focus: str  # head noun after "how many"/"which", folded, or ""
    attribute: str  # "what is the <attribute> of …" (population, budget…), folded, or ""
    subject: tuple[str, ...]  # what a "when" question dates, folded
    predicate: str  # for "who …" questions, the verb the answer must do ("heads"), or ""
    injection: bool
    task: bool  # asks the bot to do something other than answer from the report
    wants_source: bool  # asks about a cited source (a footnote), not the events
    identify: bool = False  # asks to name someone or a facility ("which judge…", "which prison…"), not "who"
    future: bool = False  # asks what is yet to happen ("when will the next elections be held")
    wants_day: bool = False  # asks for a day, not a month ("on what exact date…")
    wants_person: bool = False  # names someone by role ("what was the name of the teenager…", "which judge…")
    events: str = ""  # the text with events asked in a phrase put as one word ("found guilty" -> "convicted")
    overview: bool = False  # asks for an overview of a topic, not one fact ("in a nutshell, how were unions treated?")

    @property
    def english(self) -> bool:
        return self.language == "en"


def clean_question(raw: str, max_chars: int) -> str:
    """Drop control characters and surrogates, collapse blanks, cut to ``max_chars``."""
    # Only the head can survive the cut; a 1 MB question should not cost a pass over 1 MB.
    raw = raw[: max_chars * 4].encode("utf-8", "replace").decode("utf-8")
    raw = "".join(" " if unicodedata.category(c)[0] in "CZ" else c for c in raw)
    return re.sub(r"\s+", " ", raw).strip()[:max_chars]


def unsupported_script(text: str) -> bool:
    """True when the question has no letters in any script the models read."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return not any(c.isdigit() for c in text)
    known = sum(1 for c in letters if unicodedata.name(c, "").startswith(_KNOWN_SCRIPTS))
    return known < len(letters) / 2


def detect_language(text: str) -> str:
    toks = re.findall(r"[\w'’]+", text.lower())
    if not toks:
        return "other"
    if not all(ord(c) < 0x250 for c in text if c.isalpha()):
        return "other"
    counts = {lang: sum(t in marks for t in toks) for lang, marks in _LANG_MARKERS.items()}
    best = max(counts, key=counts.get)
    # English wins ties: a short English query ("flood death toll") has few markers.
    return best if counts[best] > counts["en"] else "en"


def answer_type(text: str) -> str:
    low = text.lower()
    for pattern, kind in _TYPE_RULES:
        if re.search(pattern, low):
            return kind
    return ANY


def _names(text: str) -> tuple[str, ...]:
    """Capitalised words not at the start of the question or of a clause."""
    out = []
    for m in re.finditer(r"(?<![\w'’])([A-ZÀ-Þ][\w'’\-]*)", text):
        word = m.group(1)
        before = text[:m.start()].rstrip()
        if not before or before[-1] in ".?!:;\"“(" or word.lower() in STOPWORDS or word.lower() in _QUESTION_WORDS:
            continue
        out.append(re.sub(r"['’]s?$", "", word))  # the possessive, not every trailing s ("Tobias")
    return tuple(out)


_NOT_MEASURED = {"money", "time", "of", "did", "does", "do", "was", "is", "were", "are", "has", "have", "had", "will",
                 "would", "can", "could", "longer", "more", "less", "further", "higher", "lower", "in", "for",
                 "the", "a", "an", "it", "they", "he", "she", "we", "you", "this", "that", "cash", "funding"}
_GENERIC_COUNTED = {"people", "persons", "individuals"}
_IRREGULAR_PARTICIPLES = {"found", "shot", "hit", "kept", "taken", "seen", "hurt", "struck", "caught", "beaten", "sent",
                          "brought", "given", "sold", "told", "thrown", "hidden", "born", "buried", "freed"}
_COUNT_VERBS = {"live", "die", "need", "remain", "flee", "fled", "work", "left", "lost", "went", "got", "lack",
                "face", "fell", "took", "make", "made", "saw", "hold", "held", "own", "use", "receive", "get"}


def _focus(text: str) -> str:
    """What is being counted: "how many journalists…" -> "journalists"; a name before the noun
    is skipped ("how many AEEM leaders" -> "leaders"), a name alone is the noun ("how many Malians")."""
    # "how many of the people affected by the floods were children": children are counted
    part = re.search(r"\bhow many of (?:the|those|these) [^?]{3,60}? (?:were|was) ([a-z]+)\s*\??$", text, re.I)
    if part and not part.group(1).endswith(("ed", "ing")) and part.group(1).lower() not in _IRREGULAR_PARTICIPLES \
            and part.group(1).lower() not in STOPWORDS:
        return fold(part.group(1))
    m = re.search(r"\bhow many\s+(?:more\s+|of (?:them|those|these)\s+(?:were\s+)?)?", text, re.I)
    if not m:
        # "how much land": what the amount is of (not "how much money/time", which have their own checks)
        much = re.search(r"\bhow much ([a-z]+)\b(?: ([a-z]+)\b)?", fold(text))
        if not much or much.group(1) in _NOT_MEASURED:
            return ""
        # "how much advance notice must…": the noun is the last of the pair
        head = much.group(2)
        return head if head and head not in STOPWORDS and head not in _AUXILIARIES and head not in LIGHT_VERBS \
            and not head.endswith("ed") else much.group(1)
    toks = re.findall(r"[\w'’-]+", text[m.end():])[:4]
    if not toks:
        return ""
    # "how many of them were found dead": them is counted, whoever the conversation says they are
    if re.search(r"\bof (?:them|those|these)\b", m.group(0), re.I) and (
            toks[0].endswith("ed") or toks[0].lower() in _COUNT_VERBS or toks[0].lower() in _IRREGULAR_PARTICIPLES):
        return ""
    word = toks[0]
    for i, tok in enumerate(toks[:-1]):
        if not tok[:1].isupper() or tok.lower() in STOPWORDS or tok.lower() in _QUESTION_WORDS:
            break
        nxt = toks[i + 1]
        # "AEEM leaders": the name qualifies the noun; "Malians needed aid": the name is the noun.
        if nxt[:1].islower() and nxt.lower() not in STOPWORDS and not nxt.endswith("ed") and nxt not in _COUNT_VERBS:
            word = nxt
            break
    # "how many police officers", "how many internally displaced people": the head noun is the
    # first plural among the lowercase words that open the phrase.
    if word == toks[0] and toks[0].islower():
        for i, tok in enumerate(toks[:3]):
            if not tok.islower() or tok in STOPWORDS or tok in _AUXILIARIES or tok in _COUNT_VERBS:
                break
            if re.fullmatch(r"[a-z]{3,}(?:s|ren)|people|staff|personnel|livestock|cattle", tok):
                word = tok
                # "people" says nothing a count must repeat; "young people": the quote must say young.
                if tok in _GENERIC_COUNTED:
                    word = toks[i - 1] if i and not toks[i - 1].endswith("ly") else ""
                break
    word = fold(word)
    return "" if word in STOPWORDS or word in _QUESTION_WORDS or not word.isalpha() else word


_PREPOSITIONS = {"behind", "next", "with", "for", "against", "in", "at", "on", "by", "from", "among", "responsible",
                 "involved", "the", "a", "an", "to", "of", "about", "most", "more", "mainly", "also", "still"}
# Verbs too light to check: "who carried out the strikes" says nothing a quote must repeat.
LIGHT_VERBS = {"carried", "carry", "carries", "made", "make", "makes", "did", "do", "does", "took", "take", "takes",
                "got", "get", "gets", "gave", "give", "put", "led", "lead", "leads", "ran", "conducted", "conduct",
                "committed", "commit", "perpetrated", "caused", "cause", "else", "exactly", "mentioned", "said", "says",
                "held", "hold", "happen", "happened", "happens", "occur", "occurred", "place", "start", "started",
                "begin", "began", "end", "ended", "first", "last", "found", "became", "become", "becomes", "remained",
                "remains", "stayed", "served", "serves", "going", "went", "gone"}
_AUXILIARIES = {"was", "is", "are", "were", "has", "have", "had", "been", "being", "did", "does", "do", "will",
                "would", "can", "could", "must", "should", "shall", "may", "might", "currently", "really", "actually"}


_GENERIC_ATTRIBUTES = {"name", "names", "number", "date", "year", "kind", "type", "role", "outcome", "result",
                       "status", "reason", "cause", "purpose", "aim", "goal", "situation", "impact", "effect",
                       "nature", "main", "total", "state", "content", "subject", "topic", "focus", "meaning",
                       "significance", "background", "context", "extent", "scale", "level", "source", "basis",
                       # measures a figure answers without naming ("one latrine for every 74 residents")
                       "ratio", "rate", "proportion", "share", "percentage", "amount", "figure", "size",
                       "frequency", "count", "average", "median", "majority", "value", "length", "duration"}


_MONEY_NOUN = re.compile(r"\b(fine|fined|cost|costs|budget|compensation|compensated|salary|salaries|bail|ransom|price|"
                         r"fees?|funding|grants?|loans?|debt|allocat\w+|awarded|damages|wages?|pensions?|subsid\w+|invest\w*|revenues?|"
                         r"income|profits?|donations?)\b")


# "In which prison…": a place of a kind the quote must name (a town or region may stand alone:
# "Mopti" answers "which region", but only a prison answers "which prison").
_FACILITY = re.compile(r"\b(?:which|what)\s+(?:[a-z-]+\s+)?(prisons?|jails?|hospitals?|clinics?|camps?|schools?|"
                       r"universit(?:y|ies)|detention (?:centres?|centers?|facilit(?:y|ies))|military base|police stations?|"
                       r"courts?|courthouses?|mosques?|churches?|markets?|airports?|ports?|mines?)\b")


_CATEGORY = re.compile(r"^(?:what|which) (?:[a-z-]+ )?(languages?|religions?|faiths?|ethnicit(?:y|ies)|nationalit(?:y|ies)|"
                       r"professions?|occupations?|jobs?|subjects?|tribes?|clans?|degrees?|sports?) "
                       r"(?:do|does|did|is|was|are|were|has|have|had)\b")


def _attribute(text: str, kind: str, facility: re.Match | None) -> str:
    """The property asked of something, which the quote must name: "what is the population of
    Timbuktu" -> "population"; "who is the president of Niger" -> "president"; for a sum of
    money (``kind``), what the sum is ("how large was the fine" -> "fine"); the kind of place a
    "which prison" question asks for (``facility``)."""
    if kind == MONEY:
        money = _MONEY_NOUN.search(fold(text))
        if money:
            return money.group(1)
    if facility:
        return facility.group(1)
    # "what language do they speak", "what subject was he studying": a kind of thing the quote
    # must name (or name a sibling of, through the word matcher).
    category = _CATEGORY.search(fold(text))
    if category:
        return category.group(1)
    # "who is the chief executive of …": the last word of a two-word title
    m = re.search(r"\b(?:what|who) (?:is|was|are|were) (?:the|its|their|his|her) (?:[a-z]+ )?([a-z]+) (?:of|for|in|at)\b", fold(text))
    # "what was the outcome of the appeal": the quote must be about the appeal.
    of = re.search(r"\bwhat (?:is|was|were|are) (?:the )?(?:outcome|result|results|fate|status) of (?:the |his |her |their |its |this |that )?([a-z]+)\b",
                   fold(text))
    if of and of.group(1) not in STOPWORDS and of.group(1) not in _GENERIC_ATTRIBUTES:
        return of.group(1)
    if (not m or m.group(1) in _GENERIC_ATTRIBUTES or m.group(1) in STOPWORDS or m.group(1) in _QUESTION_WORDS
            or re.search(r"(?:ing|ed)$", m.group(1))):  # "the lawyer acting for": a participle is no attribute
        return ""
    return m.group(1)


# Words that say how sure or how soon, not what happened ("when did they actually get out").
_ADVERBS = {"actually", "really", "finally", "eventually", "exactly", "ultimately", "first", "initially", "officially",
            "formally", "precisely", "roughly", "approximately", "already", "again", "then", "later", "soon"}


_COUNT_WORDS = {"two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "dozen",
                 "dozens", "hundred", "hundreds", "thousand", "thousands", "some", "several", "all", "both", "most", "many"}


def _subject(text: str) -> tuple[str, ...]:
    """What a "when" question dates: "when were elections held" -> ("elections", "held")."""
    plain = re.sub(r"[^a-z0-9'-]+", " ", fold(text)) + " "
    m = re.search(r"(?:\bwhen|^(?:on |in |by )?(?:what|which) (?:exact |precise |specific )?(?:date|day)) "
                  r"(?:was|were|did|does|do|is|are|will|has|have|had)\s+((?:[a-z0-9'-]+\s+){1,6})", plain)
    if not m:
        return ()
    # Words about the source itself ("publish its statement") describe a footnote, not the event.
    out = [w for w in m.group(1).split() if w not in STOPWORDS and w not in _QUESTION_WORDS
           and w not in LIGHT_VERBS and w not in _AUXILIARIES and w not in _ADVERBS and len(w) > 2
           and not _SOURCE.fullmatch(w)]
    # "what day were (ten of) the arrested politicians remanded": "arrested" says who, "remanded"
    # what is dated; a count says how many, not what.
    out = [w for w in out if w not in _COUNT_WORDS and not w.replace(",", "").isdigit()]
    if len(out) >= 3 and out[0].endswith("ed") and any(w.endswith("ed") for w in out[2:]):
        out = out[1:]
    # "when does Salome Varda's trial start": whose says the name (checked apart), the trial is what is dated
    owner = next((i for i, w in enumerate(out[:-1]) if w.endswith(("'s", "’s"))), None)
    if owner is not None:
        return (out[owner + 1],)
    return tuple(out[:2])


def _predicate(text: str) -> str:
    """The verb the answer must go with: right after "who" (auxiliaries skipped), or after
    "how many X were" ("how many schools were destroyed" -> "destroyed")."""
    low = fold(text) + " "
    m = (re.search(r"\bhow many (?:(?!of |them |those |these |the )[a-z]+ ){1,2}?(?:were|was|have been|had been) "
                   r"(?:[a-z]+ly )?([a-z]+)\b", low)
         # "how many of the 120 people arrested were eventually charged" -> "charged"
         or re.search(r"\bhow many of (?:the|those|these|them)\b.*?\b(?:were|was|have been|had been|got) (?:[a-z]+ly )?"
                      r"([a-z]{3,}ed)\b", low)
         # no auxiliary: "how many people died", "how many families fled"
         or re.search(r"\bhow many (?:(?!of |them |those |these |the )[a-z]+ ){1,2}?([a-z]{3,}ed|died|fled)\b", low))
    # "how many homes were torn down": a phrasal verb's sense is not its first word's
    phrasal = bool(m) and re.match(r"\s+(?:down|up|out|off|away|back|over)\b", low[m.end(1):]) is not None
    if m and not phrasal and m.group(1) not in _PREPOSITIONS and m.group(1) not in LIGHT_VERBS and m.group(1) not in STOPWORDS:
        return m.group(1)
    # "who" that asks, not "people who criticised…", which describes; but in "the name of the
    # shift boss who ignored…" the clause is what picks the person out.
    m = re.search(r"(?:^|[,;:(]\s*|\b(?:and|or|me|know|asked|wonder|out|about|tell)\s+)who\s+((?:[a-z]+\s+){0,3})", low) \
        or re.search(r"\b(?:names?|which|identify)\b.*?\bwho\s+((?:[a-z]+\s+){0,3})", low)
    if not m:
        return ""
    for word in m.group(1).split():
        if word in _AUXILIARIES:
            continue
        return "" if word in _PREPOSITIONS or word in LIGHT_VERBS or word in STOPWORDS else word
    return ""


_DAY_QUESTION = re.compile(r"\b(?:what|which) (?:exact |precise |specific )?(?:day|date)\b|\bexact (?:day|date)\b", re.I)
_FUTURE_QUESTION = re.compile(r"\b(?:when|where|how|who|what|which)\b[^?]*\b(?:will|shall)\b|\b(?:is|are) (?:\w+ ){0,4}going to\b"
                              r"|\b(?:is|are) (?:[\w'’-]+ ){0,6}due (?:to|for)\b"
                              r"|\b(?:upcoming|next)\s+(?:elections?|vote|polls?|referendum|trial|hearing|session)\b", re.I)
# Roles that stand for a person: asked after ("which judge…") and met before a name ("journalist Haddad").
PERSON_ROLES = (r"judge|president|general|colonel|imam|father|journalist|reporter|activist|defender|lawyer|student|"
                r"blogger|author|writer|economist|teacher|doctor|nurse|leader|opponent|critic|singer|artist|"
                r"spokesperson|director|prosecutor|minister|mayor|governor|commander|chief|officer|unionist|researcher|"
                r"academic|farmer|worker|pastor|priest|deputy|senator|candidate|editor|founder|chair\w*|rapporteur|ombuds\w+|"
                r"envoy|ambassador|commissioner|secretary")
_PERSON_NOUN = (rf"(?:{PERSON_ROLES}|teenager|boy|girl|man|woman|men|women|child|soldier|politician|suspect|victim|"
                r"detainee|prisoner|protester|demonstrator|official|person|miner|refugee|youth|husband|wife|son|"
                r"daughter|brother|sister|mother|individual|supervisor|manager|foreman|boss|guard|inspector|"
                r"engineer|driver|pilot|owner|employee|employer)s?")
# "which … journalist", not "which charges was the man…": no verb between
_WANTS_PERSON = re.compile(rf"\b(?:which|names? of(?: the| an?| this| that)?)\s+"
                           rf"(?:(?!(?:was|were|is|are|did|does|do|has|have|had|will|can)\b)[\w-]+\s+){{0,3}}?{_PERSON_NOUN}\b", re.I)
_IDENTIFY = re.compile(r"\bwhich\b|\bwhat (?:is|was|are|were) (?:the )?names?\b|\bname (?:of|an?|the|one)\b", re.I)
# "Who is the vice president of the party…": a role whose holder the answer must name.
_WHO_ROLE = re.compile(rf"^who (?:is|was|are|were) (?:the|its|their|[\w-]+['’]s) (?:[\w-]+\s+){{0,2}}?(?:{PERSON_ROLES})s?\b"
                       # "who was the teenager who died…": a person the answer must name
                       rf"|^who (?:is|was|are|were) the (?:[\w-]+\s+){{0,2}}?{_PERSON_NOUN} (?:who|that|whose|killed|shot|arrested)\b", re.I)


# Events asked in a phrase that reports say in one word: "found guilty" is "convicted".
_PHRASAL_EVENTS = ((re.compile(r"\bfound guilty\b", re.I), "convicted"),
                   (re.compile(r"\b(?:taken into custody|picked up|rounded up)\b", re.I), "detained"),
                   (re.compile(r"\blet (?:(?:him|her|them|it) )?(?:go|out)\b|\bset (?:(?:him|her|them) )?free\b|\bfreed\b", re.I),
                    "released"),
                   (re.compile(r"\bput on trial\b", re.I), "tried"),
                   (re.compile(r"\blost (?:their|his|her|its) li(?:ves|fe)\b", re.I), "died"),
                   (re.compile(r"\bcav(?:ed|es|ing) in\b", re.I), "collapsed"),
                   (re.compile(r"\bturn(?:s|ed|ing)? down\b", re.I), "rejected"),
                   (re.compile(r"\b(?:become|became|becomes) (?:a )?law\b", re.I), "adopted"),
                   (re.compile(r"\bhanded down (?:a )?sentences?\b|\bjailed\b", re.I), "sentenced"))


def _rewrite(text: str, table: tuple[tuple[re.Pattern, str], ...]) -> str:
    for pattern, word in table:
        text = pattern.sub(word, text)
    return text


def event_words(text: str) -> str:
    """``text`` with an event asked in a phrase put as the one word a report would use."""
    return _rewrite(text, _PHRASAL_EVENTS)


# Chat shorthand read as the words a report uses ("how many ppl were killed").
_SHORTHAND = ((re.compile(r"\bppl\b", re.I), "people"), (re.compile(r"\bgovt?\b", re.I), "government"),
              (re.compile(r"\byrs\b", re.I), "years"), (re.compile(r"\babt\b", re.I), "about"),
              (re.compile(r"\bmths\b", re.I), "months"), (re.compile(r"\bintl\b", re.I), "international"))


def analyse(raw: str, max_chars: int = 2000) -> Question:
    text = _rewrite(clean_question(raw, max_chars), _SHORTHAND)
    events = event_words(text)
    language, kind = detect_language(text), answer_type(text)
    facility = _FACILITY.search(fold(text))
    content = [w for w in words(text) if w not in STOPWORDS and w not in _QUESTION_WORDS and len(w) > 1]
    return Question(
        text=text,
        language=language,
        answer_type=kind,
        terms=tuple(dict.fromkeys(stem(w) for w in content)),
        names=_names(text),
        # A sum of money is checked by what it is (the attribute: fine, compensation), not counted.
        focus=_focus(text) if kind != MONEY else "",
        predicate=_predicate(events),
        attribute=_attribute(text, kind, facility),
        subject=_subject(events),
        injection=bool(_INJECTION.search(text)),
        task=bool(_TASK.search(text)),
        wants_source=bool(_SOURCE.search(text)),
        future=bool(_FUTURE_QUESTION.search(text)),
        wants_day=bool(_DAY_QUESTION.search(text)),
        wants_person=bool(_WANTS_PERSON.search(text) or _WHO_ROLE.search(text)),
        identify=language == "en" and (kind == PERSON_OR_ORG and bool(_IDENTIFY.search(text) or _WHO_ROLE.search(text))
                                       or kind == PLACE and facility is not None),
        events=events,
        overview=kind == ANY and bool(_OVERVIEW.search(text)),
    )
