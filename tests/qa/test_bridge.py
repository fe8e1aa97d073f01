"""Two-hop questions on a small real document."""
from __future__ import annotations

from qa import Assistant
from qa.bridge import split_relative

DOC = """Press report 2024

Journalists worked under pressure all year.

Media

Reporter Ana Lima was detained for a week after covering rallies organized by the Green Front.

Associations

In May, the authorities banned the Green Front and froze its bank accounts.

Courts

The supreme court upheld a ban on three newspapers in July.
"""


def test_split_relative():
    hop = split_relative("What did the authorities do to the movement whose rallies Ana Lima was covering?")
    assert hop is not None
    assert hop.main == "What did the authorities do to the movement"
    assert hop.clause == "rallies Ana Lima was covering"
    assert split_relative("Who was detained?") is None


def test_two_hop_answer_cites_both_steps(config, tmp_path):
    doc = tmp_path / "press.txt"
    doc.write_text(DOC)
    bot = Assistant(config.with_(document=doc, cache_dir=tmp_path / "cache"))
    answer = bot.ask("What did the authorities do to the movement whose rallies Ana Lima was covering?")
    assert not answer.abstained
    assert "banned the Green Front" in answer.text
    assert [c.section for c in answer.citations] == [("Media",), ("Associations",)]
