"""Questions that ask which of two dated events came first or last."""
from __future__ import annotations

import pytest

from qa.compare import _head, _when, asks_order

HALVEN = """# Halven rights report 2024

## Journalists

On 2 April 2024, security officers in Dunmore detained Ana Vell, a reporter for Radio Sel, after she exposed abuses in a prison. She was sentenced to four years in November.

Police in the capital arrested Teo Marsk, the editor of the Halven Courier, on 14 February 2024 at his home. He was charged with spreading false news.

In total, 23 journalists were behind bars at the end of the year.

## Opposition

On 2 September, around 9,000 workers at the Kessel copper mine went on strike over wages. The union said 140 workers were dismissed after the strike ended on 20 September. On 25 September, union leader Anton Grill was arrested and charged with organizing mass unrest.

On 5 May, police arrested Ivo Lant, the deputy leader of the Green Union, in Ostra. On 14 July, the party's leader, Nela Rusk, was arrested at Ostra airport.
"""


@pytest.fixture(scope="module")
def halven(assistant_over):
    return assistant_over("halven.md", HALVEN)


@pytest.mark.parametrize("question, asks", [
    ("Of the two journalists, who was detained first?", True),
    ("Who was arrested later, Lant or Rusk?", True),
    ("Which Green Union leader was taken into custody earlier, Rusk or her deputy?", True),
    ("Which came first: the end of the Kessel strike or Anton Grill's arrest?", True),
    ("Who was detained first?", False),  # no two to compare
    ("When was Ana Vell detained?", False),
])
def test_an_order_question_is_recognised(question, asks):
    assert asks_order(question) is asks


def test_dates_are_read_in_either_order_and_a_month_alone_counts():
    assert _when("On 2 April 2024, officers detained her", 2024) == (2024, 4, 2)
    assert _when("arrested on February 14, 2023 at home", 2024) == (2023, 2, 14)
    assert _when("In July, he was arrested", 2024) == (2024, 7, 15)
    assert _when("He was arrested.", 2024) is None


def test_an_option_is_told_by_its_head_word():
    assert _head("the end of the Kessel mine strike") == "end"
    assert _head("Anton Grill's arrest") == "arrest"
    assert _head("the gendarmerie arresting the politicians at the meeting") == "meet"


@pytest.mark.parametrize("question, first, then", [
    # The report tells of the later arrest first; the answer puts the asked one first, with both dates.
    ("Of the two journalists whose arrests are described, who was detained first?", "Teo Marsk", "Ana Vell"),
    ("Which journalist was arrested later, Marsk or Vell?", "Ana Vell", "Teo Marsk"),
    ("Which Green Union leader was taken into custody earlier, Rusk or her deputy?", "Ivo Lant", "Nela Rusk"),
    # Two events named, not two people: "the end of the strike" is told by the sentence it ended
    # in, not the one it began in.
    ("Which came first: the end of the Kessel mine strike or Anton Grill's arrest?", "20 September", "25 September"),
    ("Which happened later, the end of the Kessel mine strike or Anton Grill's arrest?", "25 September", "20 September"),
])
def test_the_event_asked_for_comes_first_with_both_dates(halven, question, first, then):
    a = halven.ask(question)
    assert not a.abstained and len(a.citations) == 2, (a.reason, a.text)
    assert first in a.citations[0].text and then in a.citations[1].text, a.text
