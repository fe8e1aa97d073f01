"""Does a sentence contain the kind of thing the question asks for (a number, a date, a name…)?"""
from __future__ import annotations

import re

from index import fold

from .question import (AGE, ANY, CHARGE, DATE, DURATION, EXPLANATION, MONEY, PENALTY, PERSON_OR_ORG, PERSON_ROLES,
                       PLACE, PROPORTION, QUANTITY, REASON, TITLE)

_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_NUMBER_WORDS = ("one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
                 "sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|"
                 "hundred|hundreds|thousand|thousands|million|millions|billion|dozen|dozens|half|several|few|"
                 "third|quarter|percent|per cent|majority|minority")
_SHARE_WORDS = {"percent", "per cent", "majority", "minority", "third", "quarter", "half"}
MONTHS = tuple(_MONTHS.split("|"))
_MONTH_SET = set(MONTHS)
_YEAR = r"\b(?:19|20)\d\d\b"
_NUM = rf"(?:\d[\d,.]*|\b(?:{_NUMBER_WORDS})\b)"
_QUANTITY = re.compile(rf"\d[\d,.]*\s*%|\b(?!(?:19|20)\d\d\b)\d[\d,.]*|\b(?:{_NUMBER_WORDS})\b", re.I)
_DATE = re.compile(rf"\b(?:{_MONTHS})\b|{_YEAR}|\b\d{{1,2}}/\d{{1,2}}/\d{{2,4}}\b|\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", re.I)
_DURATION = re.compile(rf"{_NUM}[\s-]+(?:days?|weeks?|months?|years?|hours?|minutes?)\b(?![\s-]old)|\buntil\b"
                       rf"|\bfor (?:a|an)\s+(?:day|week|month|year)\b|\b(?:days|weeks|months|years|hours|minutes) (?:later|after)\b"
                       rf"|\b(?:the (?:next|following) (?:day|week|month|year)|the same day|overnight|within (?:a|an|\w+) \w+)\b", re.I)
# A day of a month: "5 July", "July 5", "5/7/2024", "2024-07-05".
_DAY = re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\b|\b(?:{_MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?\b"
                  rf"|\b\d{{1,2}}/\d{{1,2}}/\d{{2,4}}\b|\b\d{{4}}-\d{{2}}-\d{{2}}\b", re.I)
# A fraction is "a third of", "two-thirds": "a third term" is an ordinal, not a share.
_PROPORTION = re.compile(r"\d\s*%|\bper ?cent\b|\bhalf\b|\b(?:a|one)[\s-](?:third|quarter|fifth|tenth)\s+of\b"
                         r"|\b(?:two|three|four|nine)[\s-](?:thirds|quarters|fifths|tenths)\b|\bmajority\b"
                         r"|\bminority\b|\bout of\b|\b(?:one|\d+) in (?:every )?(?:(?!(?:19|20)\d\d\b)\d+\b|two|three|four|five|six|seven|eight|"
                         r"nine|ten|twenty|hundred)\b|\bfor every\b|\bratio\b", re.I)
_CURRENCY_WORDS = (r"francs?|cfa|xof|dollars?|euros?|usd|eur|pounds?|crowns?|kronor|krone|pesos?|rupees?|shillings?|"
                   r"naira|rand|cedis?|dinars?|dirhams?|riyals?|yuan|renminbi|yen|roubles?|rubles?|lir[ae]|liras|"
                   r"reais|real|won|birr|kwacha|leones?|dalasis?|ouguiyas?|rupiah|ringgit|baht|dong|taka|hryvnias?|"
                   r"marks?|korun[ay]?|zloty|forints?|lei|leva|manats?|tenge|lari|drams?|kunas?|denars?")
_MONEY = re.compile(rf"[$€£¥₦₹₽]\s?\d|\b\d[\d,.]*\s*(?:million |billion |thousand |m |bn )?(?:[A-Z][a-z]+ )?(?:{_CURRENCY_WORDS})\b"
                    rf"|\b(?:cfa|xof|usd)\b", re.I)
# An amount in a currency no list knows ("fined 5,000 quor", "a payment of 1,500 corvas"): a
# number and a word after a word of payment.
_MONEY_CONTEXT = re.compile(r"\b(?:fined?|fines|payments?|paid|pay|offer(?:ed|s)?|costs?|worth|compensation|salar(?:y|ies)|bail|fees?|"
                            r"grants?|loans?|price|sum|wages?|pensions?|allowances?|budget)\b(?:\s+[\w’'-]+){0,3}?"
                            r"\s+\d[\d,.]*\s+(?:million\s+|billion\s+|thousand\s+)?[a-z]{3,}\b", re.I)
# An ISO 4217-style code before or after an amount ("ORC 64 million", "45 GHS"): capitals only.
_MONEY_CODE = re.compile(r"\b[A-Z]{3}\s?\d|\d\s?(?:million |billion )?[A-Z]{3}\b")
_AGE = re.compile(r"\b\d{1,3}[\s-]years?[\s-]old\b|\baged\s+\d{1,3}\b|\bage (?:of )?\d{1,3}\b|\b\d{1,3},\s+(?:a|an|the)\b"
                  r"|(?<=[A-Za-zÀ-ÿ], )\d{1,3}(?=,)"  # "Nilufar Karimova, 41, to seven years"
                  r"|\bage[ds]? (?:between|from|ranging from|of between) \d{1,3}\b"
                  r"|\b(?:was|were|is|are) \d{1,2} (?:at the time|when)\b"  # "who was 17 at the time of the offence"
                  r"|\bin (?:his|her|their) (?:early |late |mid-)?\d0s\b|\b(?:octo|nona|septua|sexa|quadra)genarian\b", re.I)
# What gives a cause outright, in a reason and in an explanation alike.
_CAUSES = (r"because|due to|as a result|owing to|citing|cited|on (?:the )?(?:[\w-]+ )?grounds?|attribut\w+ (?:[\w’'-]+ ){0,4}to|"
           r"blam\w+ (?:[\w’'-]+ ){0,4}on")
_REASON = re.compile(rf"\b(?:{_CAUSES}|following|in relation to|in connection with|for (?:his|her|their|its)|over|after|"
                     r"since|accused of|charged with|on charges of|saying|arguing|claiming|alleging|for (?:allegedly |reportedly |supposedly )?[a-z]{3,}ing|"
                     r"(?:ruled|found|held|concluded|finding|holding) that)\b", re.I)
# What someone gave as the explanation: "Police said he had fallen in his cell."
# Not "after" or "over", which date or place as often as they explain.
_SAID = re.compile(rf"\b(?:said|says|saying|told|claimed|stated|explained|described|argued|asserted|declared|"
                   rf"defended|justified|insisted|maintained|alleged|allegations?|denied|{_CAUSES})\b", re.I)
_CHARGE = re.compile(r"\b(?:charg(?:e|es|ed|ing)|accus(?:ed|ation|ations|ing)|convict(?:ed|ion|ions)|guilty|acquitt\w*|"
                     r"indict\w*|prosecut\w*|offen[cs]es?|crimes? (?:of|against)|war crimes?)\b", re.I)
_PENALTY = re.compile(r"\b(?:sentenc(?:e|es|ed|ing)|imprison\w*|prison|jail\w*|fined?|fines|penalt(?:y|ies)|"
                      r"punish\w*|years?|months?|life|death|lashes|flogg\w*|community service|suspended|acquitt\w*)\b", re.I)
_CAP = re.compile(r"(?<![\w'’])([A-ZÀ-Þ][\w'’\-]+)")
_NOT_NAMES = set(_MONTHS.split("|")) | {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                                         "sunday", "the", "a", "an", "in", "on", "at", "also", "this", "that",
                                         "these", "those", "he", "she", "they", "it", "his", "her", "their",
                                         "days", "one", "two", "three", "according", "between", "after",
                                         "before", "during", "since", "until", "there", "some", "many",
                                         "while", "however", "when", "although", "its"}


def names_in(sentence: str) -> list[str]:
    """Capitalised words that are not month/day names or function words, sentence start included
    only when a name follows it ("Dozo hunters" is a name; "Days later" is not)."""
    out = []
    for m in _CAP.finditer(sentence):
        word = m.group(1)
        if fold(word) in _NOT_NAMES:
            continue
        out.append(word)
    return out


def names_within(sentence: str, context: str = "") -> list[str]:
    """:func:`names_in` without a lone capitalised word that only opens a sentence ("Pushbacks
    across the border…"), unless it is in capitals ("ECOWAS said…") or ``context`` capitalises
    it mid-sentence too ("Dalescu denied…" after "Mira Dalescu")."""
    out = []
    for m in _CAP.finditer(sentence):
        word = m.group(1)
        if fold(word) in _NOT_NAMES:
            continue
        before = sentence[:m.start()].rstrip()
        opens = not before or before[-1] in ".!?:;\"“("
        if opens and not word.isupper() and not re.match(r"\s+(?:(?:of|de|al)\s+)?[A-ZÀ-Þ]", sentence[m.end():]) \
                and not re.search(rf"[\w,]\s+{re.escape(word)}\b", context):
            continue
        out.append(word)
    return out


# Words that make a capitalised run a place or a body, not a person ("Alta Veridia province",
# "Special Criminal Court", "Radio Orvan").
_NOT_PERSON = re.compile(
    r"\b(?:court|council|ministry|minister|radio|party|movement|province|region|district|county|prison|jail|university|"
    r"commission|office|union|agency|bank|company|mine|river|valley|street|avenue|plaza|square|port|city|town|village|"
    r"island|republic|state|states|army|forces?|police|front|alliance|committee|authority|network|association|"
    r"organi[sz]ation|group|assembly|congress|parliament|senate|government|tribunal|hospital|school|cent(?:re|er)|camp|"
    r"international|national|federal|democratic|department|news|times|post|tv|television|channel|press|media|"
    r"foundation|institute|church|mosque|cluster|code|law|act|constitution|convention|agreement|plan|programme|program|"
    r"project|corporation|ltd|inc|s\.a|sa|fund|watch|amnesty|human|rights|nations|world)s?\b", re.I)
_PLACE_AFTER = re.compile(r"\s+(?:road|area|community|neighbourhood|neighborhood|municipality|plantation|dam|field|"
                          r"settlement|estate|highway|bridge|lake|forest|reserve|park|basin|coast|border|airport|"
                          r"district|county|province|region|state|city|town|village|river|valley|street|mine|prison)\b")
_PLACE_BEFORE = re.compile(r"\b(?:the|a|an|in|at|from|to|into|near|across|outside|towards?|via|through|of the)\s*$", re.I)
# Lowercase roles that introduce a person by name ("journalist Camila Ortúzar").
_ROLE = rf"mr|mrs|ms|dr|captain|sheikh|spokesman|spokeswoman|{PERSON_ROLES}"
_ROLE_BEFORE = re.compile(rf"\b(?:{_ROLE})\s*$", re.I)
_NAME_RUN = re.compile(r"(?<![\w'’])[A-ZÀ-Þ][\w'’-]+(?:\s+(?:(?:al|ag|bin|ben|ibn|de|del|da|dos|van|von|le|la)\s+)?[A-ZÀ-Þ][\w'’-]+)*")


def person_names(sentence: str) -> list[str]:
    """Runs of capitalised words that look like a person's name: two words or more not led by an
    article or a place preposition and with no word of a place or a body ("Erlan Abdrakhmanov",
    not "in Villa Orcana", "the Cerro Dorado mine", "Alta Veridia province"), or any name right
    after a role ("journalist Haddad", "Judge Marsk")."""
    out = []
    for m in _NAME_RUN.finditer(sentence):
        run = m.group(0)
        parts = [w for w in run.split() if fold(w) not in _NOT_NAMES]
        before = sentence[max(0, m.start() - 30):m.start()]
        after = sentence[m.end():m.end() + 20]
        if not parts:
            continue
        # "the Prosecutor General's Office" names a body, whatever role word comes before it
        if (_ROLE_BEFORE.search(before) or re.match(rf"(?:{_ROLE})\b", fold(parts[0])) and len(parts) > 1) \
                and not _NOT_PERSON.search(run):
            out.append(" ".join(p for p in parts if not re.fullmatch(_ROLE, fold(p))))
            continue
        if (len(parts) >= 2 and not _PLACE_BEFORE.search(before) and not _NOT_PERSON.search(run)
                and not _NOT_PERSON.match(after.lstrip()) and not _PLACE_AFTER.match(after)
                and fold(run.split()[0]) not in ("the", "el", "la", "los", "las", "les")):
            out.append(" ".join(parts))
    return out


# A title is a quoted phrase of two words or more, not a scare-quoted word.
_TITLE = re.compile(r"“[^”]+\s[^”]+”|\"[^\"]+\s[^\"]+\"|«[^»]+\s[^»]+»")
# Answer type -> what a sentence holding one contains (any of the patterns).
_PATTERNS: dict[str, tuple[re.Pattern, ...]] = {
    QUANTITY: (_QUANTITY,), DATE: (_DATE,), DURATION: (_DURATION,), MONEY: (_MONEY, _MONEY_CODE, _MONEY_CONTEXT),
    PROPORTION: (_PROPORTION,), PENALTY: (_PENALTY,), AGE: (_AGE,), TITLE: (_TITLE,), CHARGE: (_CHARGE,),
    REASON: (_REASON,), EXPLANATION: (_SAID,),
}


def has_type(sentence: str, kind: str, question_words: set[str] = frozenset()) -> bool:
    """True when ``sentence`` holds something of answer type ``kind``.

    For names and places, a name already in the question does not count as an answer.
    """
    if kind == ANY:
        return True
    if kind in _PATTERNS:
        return any(p.search(sentence) for p in _PATTERNS[kind])
    if kind in (PERSON_OR_ORG, PLACE):
        return any(fold(n) not in question_words for n in names_in(sentence))
    return True


TIME_UNITS = {"day", "days", "week", "weeks", "month", "months", "year", "years", "hour", "hours", "minute",
               "minutes", "decade", "decades"}


def quantities(sentence: str) -> list[tuple[str, list[str], str]]:
    """Each quantity of ``sentence`` as (kind, folded words it counts, the quantity as written).
    Kind "date" for a day of a month ("12 June") and "age" for an age ("a 34-year-old
    activist"): both count nothing; "duration" for a span ("three weeks after…"), which counts
    only its unit; "share" for a percentage ("61% of seats"); else "count", with the words right
    after it ("11 children" -> ["children", …]) and the noun it is "of" ("the bodies of 17 of
    them" -> [..., "bodies"])."""
    out: list[tuple[str, list[str], str]] = []
    for m in _QUANTITY.finditer(sentence):
        word = m.group(0).lower()
        if word in _SHARE_WORDS:
            # "19 percent" is one share, read at its number; "a third of the schools" is a share too
            if not re.search(r"\d\s*$", sentence[:m.start()]):
                out.append(("share", [], m.group(0)))
            continue
        # the words it counts end at a comma or a bracket: "1,350 people, mostly from Haiti" counts people
        tail = re.findall(r"[A-Za-zÀ-ÿ'’]+", fold(re.split(r"[,;:()]", sentence[m.end():m.end() + 60])[0]))[:6]
        before = sentence[max(0, m.start() - 40):m.start()]
        if tail and tail[0] in _MONTH_SET or re.search(rf"\b(?:{_MONTHS})\s*$", before, re.I):
            out.append(("date", [], m.group(0)))
        elif tail[:2] in (["year", "old"], ["years", "old"]) or tail[:1] == ["aged"] or re.search(r"\baged\s*$", before):
            out.append(("age", [], m.group(0)))
        elif tail and tail[0] in TIME_UNITS or tail[:1] in (["and"], ["to"], ["or"]) and tail[1:2] and tail[1] in TIME_UNITS:
            # "between eight and 15 years": both ends of a span
            out.append(("duration", [w for w in tail[:2] if w in TIME_UNITS], m.group(0)))
        elif re.match(r"\s*(?:%|per ?cent\b)", sentence[m.end():]) or m.group(0).rstrip().endswith("%"):
            out.append(("share", [], m.group(0)))  # "61% of seats" is a share, not a number of seats
        else:
            of = re.search(r"([A-Za-zÀ-ÿ'’-]+)\s+of\s+(?:at least |about |around |some |nearly |over )?$", before)
            # A value after its label ("Complaints received 1,540;" in a table row) counts the label.
            label = re.findall(r"[A-Za-zÀ-ÿ'’]+", fold(re.split(r"[,;:.]", before)[-1]))[-3:] if not tail else []
            out.append(("count", tail + ([fold(of.group(1))] if of else []) + label, m.group(0)))
    return out


# A sentence saying something did not happen (answers "has it happened?").
NEGATION = re.compile(r"\b(?:not|no|never|nor|none|yet to|neither|without|refused to|failed to)\b|n['’]t\b", re.I)
# Units that measure an amount of a thing ("40 litres a day" measures water, counts no litres).
MEASURE_UNITS = {"litre", "litres", "liter", "liters", "tonne", "tonnes", "ton", "tons", "kg", "kilogram", "kilograms",
                 "km", "kilometre", "kilometres", "kilometer", "kilometers", "hectare", "hectares", "metre", "metres",
                 "meter", "meters", "gallon", "gallons", "barrel", "barrels", "megawatts", "mw", "acres", "acre",
                 "square", "cubic"}


# "Who heads the agency?" is answered by the sentence naming its director.
LEADS = {"heads", "head", "headed", "leads", "lead", "led", "runs", "ran", "chairs", "chaired", "directs", "directed",
         "manages", "managed", "presides", "presided"}
# The roles that say a leading verb: "who chairs the commission?" is answered by its chair, not by
# the President who set it up.
_LEAD_ROLES = ((("chair",), r"chair\w*|lead\w*|led|head\w*"),
               (("head", "lead", "led"), r"head\w*|lead\w*|led|chief|director|chair\w*|coordinator"),
               (("run", "ran", "manag"), r"r[au]n\w*|manag\w*|head\w*|chief|director|executive|ceo|chair\w*"),
               (("direct",), r"direct\w*|head\w*|chief"),
               (("presid",), r"presid\w*|chair\w*"))


def leader_named(verb: str, text: str) -> bool:
    """``text`` names the role that ``verb`` (one of LEADS) asks about: a chair for "chairs"."""
    roles = next((r for stems, r in _LEAD_ROLES if verb.startswith(stems)), None)
    return bool(roles and re.search(rf"\b(?:{roles})\b", text, re.I))


ROLE_NOUN = re.compile(r"\b(?:director|head|chair(?:man|woman|person)?|president|chief|leader|secretary|commissioner|"
                       r"governor|coordinator|executive|ceo|manager|minister|mayor|presiding)\b", re.I)


# A rank before a role makes another person: the deputy chair is not the chair.
_RANKED_ROLE = re.compile(rf"\b(?:(deputy|vice|assistant|former|acting|interim|ex)[\s-]+)?({PERSON_ROLES}|head)s?\b", re.I)


def roles_in(text: str) -> set[tuple[str, str]]:
    """Each role ``text`` names, as (rank word or "", role): "the deputy chair" -> ("deputy", "chair")."""
    return {(fold(m.group(1) or ""), fold(m.group(2))) for m in _RANKED_ROLE.finditer(text)}


def other_holder(asked: set[tuple[str, str]], text: str) -> bool:
    """``text`` names an asked role only under another rank ("deputy chair" for "chair")."""
    said = roles_in(text)
    return any(any(r == role and k != rank for k, r in said) and (rank, role) not in said for rank, role in asked)


# A table row as the index reads it: "Marrow: 2022 410; 2023 560; 2024 780."
_ROW_LABEL = re.compile(r"^\W{0,2}([^:;.]{2,60}?)\W{0,2}:\s+\S+\s+\S+;")


def table_row_label(text: str) -> str:
    """The label of ``text`` if it is a table row as the index reads it ("Marrow: 2022 410;
    2023 560" -> "Marrow"), else ""."""
    m = _ROW_LABEL.match(text)
    return m.group(1) if m else ""


# Kinds of quantity that count or measure something (a share does: "the economy shrank by 4%").
COUNTING = ("count", "share")




_MONTH_CAPS = "|".join(m.capitalize() for m in _MONTHS.split("|"))
# A month used as a date: after a day ("5 July") or a time word ("in May", "early July",
# "mid-June"), or before a year ("July 2024"). Not inside a name ("the June 5th Movement"), and
# capitalised, so the verb "may" is not one.
_DATE_MONTH = re.compile(
    rf"(?:\b\d{{1,2}}(?:st|nd|rd|th)?\s+|\b(?:[Ii]n|[Oo]n|[Ee]arly|[Ll]ate|[Mm]id|[Ss]ince|[Uu]ntil|till|[Bb]y|[Ff]rom|of|"
    rf"[Bb]efore|[Aa]fter|[Dd]uring|[Bb]etween|and|to|through|[Ll]ast|[Nn]ext|this)[\s-]+)({_MONTH_CAPS})\b"
    rf"|\b({_MONTH_CAPS})\s+\d{{4}}\b")


def months_in(text: str) -> set[str]:
    """Months named as dates in ``text`` ("On 5 July", "in early May", "June 2024"), lowercased."""
    return {(a or b).lower() for a, b in _DATE_MONTH.findall(text)}


def has_day(sentence: str) -> bool:
    """True when ``sentence`` dates something to the day ("On 5 July"), not only the month."""
    return bool(_DAY.search(sentence))


def age_owners(sentence: str) -> list[set[str]]:
    """For each age in ``sentence``, the (folded) names standing right beside it: "80-year-old
    Boubacar Karamoko Traoré" -> {"boubacar", "karamoko", "traore"}; "Dario Kesk, 29, a shop
    steward" -> {"dario", "kesk"}; an empty set for an age with no name beside it ("he was 80")."""
    owners = []
    for m in _AGE.finditer(sentence):
        before = re.findall(r"[A-ZÀ-Þ][\w'’-]+", sentence[max(0, m.start() - 40):m.start()].split(";")[-1])
        after = re.findall(r"[A-ZÀ-Þ][\w'’-]+", sentence[m.end():m.end() + 40].split(",")[0])
        near = after if m.group(0)[-3:].lower() == "old" else before[-3:]
        owners.append({fold(n) for n in near if fold(n) not in _NOT_NAMES})
    return owners
