"""Asking a made-up document's assistant: the answer holds what is expected, or it refuses."""
from __future__ import annotations

from qa import Assistant


def answers(assistant: Assistant, question: str, expected: str, history=None) -> None:
    a = assistant.ask(question, history)
    assert not a.abstained and expected in a.text, (a.reason, a.text)


def refuses(assistant: Assistant, question: str) -> None:
    a = assistant.ask(question)
    assert a.abstained, (a.reason, a.text)
