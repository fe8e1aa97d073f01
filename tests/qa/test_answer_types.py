"""Answer-type helpers, and the month a question names steering which sentence is quoted."""
from __future__ import annotations

import pytest

from qa import Assistant
from qa.answer_types import months_in


@pytest.mark.parametrize("text, months", [
    ("Which politician was picked up in early July?", {"july"}),
    ("On 5 July, he was arrested.", {"july"}),
    ("Protests began mid-June and ended in August 2024.", {"june", "august"}),
    ("Schools stayed shut between March and April.", {"march", "april"}),
    ("He chaired the June 5th Movement.", set()),  # part of a name, not a date
    ("Officials may resign; May was calm.", set()),  # the verb, and a month with no date context
])
def test_months_named_as_dates(text, months):
    assert months_in(text) == months


TOWN = """# Kanto town report 2024

## Arrests

In March, the police arrested the opposition politician Ana Lopes after a party meeting in Kanto. In July, Marco Diaz was also arrested.

## Water

The main well of Kanto ran dry in August after three months without rain.
"""


def test_the_month_asked_picks_the_sentence_of_that_month(config, tmp_path):
    doc = tmp_path / "kanto.md"
    doc.write_text(TOWN, encoding="utf-8")
    assistant = Assistant(config.with_(document=doc))
    # Every other word of the question points at the March sentence; only the month does not.
    july = assistant.ask("Which opposition politician was arrested in July after the party meeting in Kanto?")
    march = assistant.ask("Which opposition politician was arrested in March after the party meeting in Kanto?")
    assert not july.abstained and not march.abstained
    assert any(c.text.startswith("In July") for c in july.citations) and "Marco Diaz" in july.text
    assert march.citations[0].text.startswith("In March") and "Marco Diaz" not in march.text
