"""The parser on the real report and on awkward documents."""
from __future__ import annotations

import re

from index import chunk_document, parse_text


def test_every_heading_with_its_path(report_text):
    doc = parse_text(report_text)
    paths = [s.path for s in doc.sections]
    assert doc.title == "The State of the World's Human Rights; Mali 2024"
    assert paths[0] == (doc.title,)  # the summary sits under the title
    expected_top = ["Background", "Arbitrary arrests and detention", "Enforced disappearances",
                    "Freedom of association", "Unlawful killings", "Right to truth, justice and reparation",
                    "Right to education", "LGBTI people’s rights"]
    assert [p[0] for p in paths[1:] if len(p) == 1] == expected_top
    assert ("Unlawful killings", "Armed groups") in paths
    assert ("Unlawful killings", "Government forces") in paths
    # Every heading line of the source became a section, and nothing else did.
    blocks = [b.strip() for b in report_text.split("\n\n") if b.strip()]
    assert all(any(s.title == b for s in doc.sections) for b in blocks if b in {s.title for s in doc.sections})
    assert len(doc.sections) == 11


def test_summary_is_first_paragraph(report_text):
    doc = parse_text(report_text)
    summary = doc.sections[0].paragraphs
    assert len(summary) == 1 and summary[0].text.startswith("The authorities increased their use")


def test_footnotes_parsed_and_every_marker_resolved(report_text):
    doc = parse_text(report_text)
    assert sorted(doc.footnotes) == [1, 2, 3, 4, 5]
    assert doc.footnotes[1].text.startswith("“Mali: Arbitrarily detained author")
    assert "↩" not in " ".join(f.text for f in doc.footnotes.values())
    cited = sorted(n for _, p in doc.paragraphs() for s in p.sentences for n in s.footnotes)
    assert cited == [1, 2, 3, 4, 5]  # each marker in the body found, on a sentence
    by_note = {n: s.text for _, p in doc.paragraphs() for s in p.sentences for n in s.footnotes}
    assert by_note[2].endswith("provisionally released on 3 October.")
    assert by_note[3].endswith("in Amasrakad, Gao region.")


def test_marker_digits_never_leak_into_text(report_text):
    doc = parse_text(report_text)
    clean = " ".join(p.text for _, p in doc.paragraphs())
    assert "October.2" not in clean and "”.1" not in clean and "region.3" not in clean
    assert not re.search(r"[^\d\s][.,;:”’)]\d{1,2}(\s|$)", clean)
    # Numbers that merely follow punctuation are not markers.
    assert "1,657 schools" in clean and "264,646 people" in clean


def test_sentence_spans_point_into_paragraph(report_text):
    doc = parse_text(report_text)
    for _, para in doc.paragraphs():
        for s in para.sentences:
            assert para.text[s.start:s.end] == s.text


def test_chunk_ids_are_stable_and_unique(report_text):
    a = [c.id for c in chunk_document(parse_text(report_text))]
    b = [c.id for c in chunk_document(parse_text(report_text))]
    assert a == b and len(set(a)) == len(a)
    assert {"fn1", "fn5"} <= set(a)


def test_document_without_headings_or_footnotes():
    text = "First paragraph says one thing. It has two sentences.\n\nSecond paragraph, about 2020. And more."
    doc = parse_text(text, source="notes.txt")
    assert doc.footnotes == {}
    assert sum(len(s.paragraphs) for s in doc.sections) >= 1
    assert "2020." in " ".join(p.text for _, p in doc.paragraphs())


def test_markdown_headings_give_levels():
    text = "# Title\n\nIntro text here.\n\n## Part one\n\nBody one.[^1]\n\n### Detail\n\nBody two.\n\n[^1]: A note."
    doc = parse_text(text)
    assert ("Part one", "Detail") in [s.path for s in doc.sections]
    assert doc.footnotes[1].text == "A note."
    body = [p for s, p in doc.paragraphs() if s.title == "Part one"][0]
    assert body.text == "Body one." and body.footnotes == (1,)


def test_junk_never_raises():
    for junk in ["", "\n\n\n", "\x00\x01\x02", "\ud800 lone surrogate", "#", "1. only a note", "é" * 10000]:
        parse_text(junk)


def test_numbered_headings_give_levels_and_numbered_lists_stay_paragraphs():
    text = ("Port report\n\n1. Introduction\n\nThe port grew.\n\n2. Findings\n\nFees were high.\n\n"
            "2.1 Recruitment fees\n\nWorkers paid fees.\n\nSource: annual statistics.[1]\n\nMore text here.\n\n"
            "3. Recommendations\n\n1. Ban fees\n\n2. Inspect dormitories\n\n4. Annex\n\nThe survey form.\n\n"
            "[1] Labour Inspectorate bulletin, 2024.\n")
    doc = parse_text(text)
    paths = [s.path for s in doc.sections]
    assert ("1. Introduction",) in paths and ("2. Findings", "2.1 Recruitment fees") in paths
    # a line ending with a full stop and a note marker is a paragraph, not a heading
    assert not any("Source" in s.title for s in doc.sections)
    # consecutive numbered lines are a list, and the note at the end stays a footnote
    assert ("3. Recommendations",) in paths and not any(s.title.startswith(("1. Ban", "2. Inspect")) for s in doc.sections)
    assert doc.footnotes[1].text.startswith("Labour Inspectorate")


def test_a_pipe_table_reads_as_one_sentence_per_row_naming_each_value():
    text = ("Report\n\nComplaints rose:\n\n  Year | Received | Resolved\n  -----+----------+---------\n"
            "  2022 | 1,540    | 512\n  2023 | 2,087    | 601\n")
    para = parse_text(text).sections[0].paragraphs[-1]
    # the paragraph that introduces the table (ending with a colon) and the table are one paragraph
    sentences = [s.text for s in para.sentences]
    assert sentences[0].startswith("Complaints rose:") and sentences[0].endswith("2022: Received 1,540; Resolved 512.")
    assert sentences[1:] == ["2023: Received 2,087; Resolved 601."]


def test_a_numbered_list_above_markdown_notes_stays_in_the_body():
    # Recommendations numbered 1., 2. just before the [^n] definitions are the report's text, not
    # notes 1 and 2 again (which would also replace the real notes).
    text = ("# Report\n\nIntro.[^1] More.[^2]\n\n## Recommendations\n\n"
            "1. To the Ministry: publish the test results.\n2. To the company: pay compensation.\n\n"
            "[^1]: Letter from the company, 3 May 2024.\n[^2]: Interview with a doctor, 4 May 2024.")
    doc = parse_text(text)
    assert doc.footnotes[1].text == "Letter from the company, 3 May 2024."
    assert doc.footnotes[2].text == "Interview with a doctor, 4 May 2024."
    recommendations = " ".join(p.text for s, p in doc.paragraphs() if s.title == "Recommendations")
    assert "publish the test results" in recommendations and "pay compensation" in recommendations
