"""An overview question is answered by a few sentences in their setting, not one stray fact."""
from __future__ import annotations

import pytest

from qa.question import analyse

BRAVALIA = """# The State of the World's Human Rights; Bravalia 2024

The authorities curtailed press freedom ahead of the regional vote. Asylum seekers were held in closed camps. Floods displaced thousands of people in the south.

## Background

Bravalia joined the Southern Customs Union in February. The governing coalition lost its majority in the regional vote in April.

Armed clashes between the army and the Eastern Front resumed in the hills. The Eastern Front shelled villages near Tarn, while army units burned crops around Dovo.

## Freedom of the press

Journalists faced prosecution and harassment for reporting on corruption.

In March, the media regulator suspended the licence of the daily paper Kestrel Post for three months. Prosecutors opened 14 criminal cases against reporters under the new defamation law.

On 9 May, journalist Teo Marsk was detained at Dovo airport. He was held for 11 days without charge and released on bail in late May. In July, a court convicted him of "spreading false information" and fined him.[^1]

## Refugees' and migrants' rights

Asylum seekers arriving by boat were held in closed camps on Orrin island. Families were kept in tents for up to nine months without access to lawyers. In June, a fire at the Orrin camp injured 23 people.

## Right to a healthy environment

Floods in September displaced 31,000 people in the southern provinces.

[^1]: "Bravalia: Release journalist Teo Marsk and drop false news charges", 12 May 2024.
"""


@pytest.fixture(scope="module")
def bravalia(assistant_over):
    return assistant_over("bravalia.md", BRAVALIA)


@pytest.mark.parametrize("question", [
    "give me a quick overview of press freedom in Bravalia",
    "What does the report say about freedom of the press?",
    "in a nutshell, how were journalists treated?",
    "Summarise what happened to Teo Marsk.",
    "What are the main concerns the report raises?",
])
def test_overview_questions_are_recognised(question):
    assert analyse(question).overview


@pytest.mark.parametrize("question", [
    "In short, how many criminal cases were opened against reporters?",  # a count is one fact
    "When was Teo Marsk detained?",
    "What did the media regulator do to the Kestrel Post?",
])
def test_a_question_for_one_fact_is_not_an_overview(question):
    assert not analyse(question).overview


def test_a_sentence_of_the_summary_is_followed_by_the_opening_of_its_section(bravalia):
    a = bravalia.ask("What does the report say about freedom of the press in Bravalia?")
    assert not a.abstained, a.reason
    assert "Journalists faced prosecution and harassment" in a.text, a.text
    assert any(c.section == ("Freedom of the press",) for c in a.citations), [c.section for c in a.citations]


def test_a_section_opening_is_followed_by_the_sentence_after_it(bravalia):
    a = bravalia.ask("give me a quick overview of how asylum seekers were treated")
    assert not a.abstained, a.reason
    assert "closed camps on Orrin island" in a.text and "without access to lawyers" in a.text, a.text


def test_an_opening_that_is_off_the_topic_is_not_added(bravalia):
    # Background opens on a customs union: the fighting goes on in the next sentence instead.
    a = bravalia.ask("quick overview of the armed clashes in bravalia")
    assert not a.abstained, a.reason
    assert "Customs Union" not in a.text and "shelled villages" in a.text, a.text


def test_a_persons_story_goes_on_with_what_happened_next(bravalia):
    a = bravalia.ask("can you summarise what happened to teo marsk after he was detained")
    assert not a.abstained, a.reason
    assert "held for 11 days" in a.text and "Journalists faced prosecution" not in a.text, a.text


def test_an_overview_is_told_by_the_report_not_by_the_title_of_a_source(bravalia):
    # The note's title shares every word of the question; the story stands in the body.
    a = bravalia.ask("summarize the release of journalist Teo Marsk and the false news charges")
    assert not a.abstained, a.reason
    assert "Release journalist" not in a.text and "Teo Marsk" in a.text, a.text


def test_an_overview_stays_short(bravalia):
    a = bravalia.ask("give me an overview of press freedom")
    assert not a.abstained, a.reason
    assert len(a.citations) <= 3 and len(a.text.split()) <= 90, a.text
