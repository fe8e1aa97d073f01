"""Resolve follow-up questions ("what was he sentenced to?") against earlier turns."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable

_ANAPHORA = re.compile(
    r"\b(?:he|him|his|she|her|hers|they|them|their|it|its|this|that|these|those|there|the same|"
    r"the court|the group|the man|the woman|the prison|the attack|the strike|the law|the report said)\b",
    re.I)
# French, Spanish and Portuguese pronouns and openers, for follow-ups in those languages.
_ANAPHORA_OTHER = re.compile(
    r"\b(?:il|elle|ils|elles|lui|leur|leurs|cela|ça|celui|celle|él|ella|ellos|ellas|eso|esa|ese|allí|"
    r"ele|ela|eles|elas|dele|dela|deles|isso|essa|esse|lá)\b", re.I)
_CONTINUATION = re.compile(r"^\s*(?:and|but|also|what about|how about|so|then|what else|et|mais|y|pero|e|mas)\b",
                           re.I)


@dataclass(frozen=True)
class Turn:
    role: str  # "user" | "assistant"
    content: str


def normalise_history(history: Iterable[Any] | None, limit: int = 6) -> list[Turn]:
    """Accept OpenAI/Gradio message dicts or (user, assistant) pairs; keep the last ``limit`` turns."""
    turns: list[Turn] = []
    for item in history or []:
        if isinstance(item, dict):
            role, content = str(item.get("role", "")), item.get("content", "")
            if isinstance(content, list):  # Gradio multimodal content parts
                content = " ".join(str(p.get("text", "")) if isinstance(p, dict) else str(p) for p in content)
            if role in ("user", "assistant") and isinstance(content, str) and content.strip():
                turns.append(Turn(role, content.strip()[:2000]))
        elif isinstance(item, (list, tuple)) and len(item) == 2:
            for role, content in zip(("user", "assistant"), item):
                if isinstance(content, str) and content.strip():
                    turns.append(Turn(role, content.strip()[:2000]))
    return turns[-limit:]


def is_followup(question: str, n_terms: int) -> bool:
    """Pronouns, a leading "and…", or too few content words to stand alone."""
    return bool(_ANAPHORA.search(question) or _ANAPHORA_OTHER.search(question)
                or _CONTINUATION.search(question)) or n_terms <= 1


def context_for(question: str, history: list[Turn], n_terms: int) -> str:
    """Text from the last exchange to add to the retrieval query, or "" for a standalone question."""
    if not history or not is_followup(question, n_terms):
        return ""
    last_user = next((t.content for t in reversed(history) if t.role == "user"), "")
    last_answer = next((t.content for t in reversed(history) if t.role == "assistant"), "")
    return f"{last_user} {last_answer[:400]}".strip()
