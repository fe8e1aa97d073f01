"""Two-hop questions: "What did the government do to the group whose protests Yeri Bocoum covered?"

The relative clause names something the report describes in one place ("…covering protests
organized by the Synergy of Actions for Mali"); the main clause asks about what that place
names, which the report states elsewhere. Resolve the clause first, then ask the main clause
about the names it yielded.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from index import fold

from .answer_types import names_in

_RELATIVE = re.compile(r"\s(whose|that|which|who|whom|where)\s", re.I)


@dataclass(frozen=True)
class Hop:
    main: str  # the question without its relative clause: "What did the government do to the group"
    clause: str  # the clause, standing alone: "protests web activist Yeri Bocoum had been covering"


def split_relative(question: str) -> Hop | None:
    """Split off a relative clause that names someone (the known end of the bridge)."""
    m = _RELATIVE.search(question)
    if not m or m.start() < 12:
        return None
    main, clause = question[:m.start()].strip(), question[m.end():].strip(" ?.")
    if len(clause.split()) < 3 or len(main.split()) < 3 or not names_in(clause):
        return None
    return Hop(main, clause)


def bridge_names(sentence: str, question: str, ignore: set[str]) -> list[str]:
    """Names in the first hop's sentence that the question did not already give."""
    given = {fold(w) for w in re.findall(r"\w+", question)}
    out = []
    for name in names_in(sentence):
        n = fold(name)
        if n not in given and n not in ignore and not any(len(m) >= 4 and n.startswith(m) for m in ignore):
            out.append(name)
    return list(dict.fromkeys(out))
