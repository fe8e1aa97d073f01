"""HTML and PDF documents: headings, paragraphs and footnotes come out as for Markdown."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from index import DocumentError, load_document

HTML = """<!doctype html><html><head><title>Niger 2024</title><script>var x = "<p>not text</p>";</script></head>
<body><nav><p>Home | About</p></nav>
<h1>Niger 2024</h1>
<p>The authorities arrested journalists.<sup><a href="#fn1" id="fnref1">1</a></sup> Others fled abroad.</p>
<h2>Freedom of expression</h2>
<p>In March, a journalist was detained in Niamey for reporting on the army.<sup>2</sup></p>
<h3>Online</h3><ul><li>Two bloggers were <b>summoned</b> by the police.</li></ul>
<section class="footnotes"><ol>
<li id="fn1">Amnesty International, "Niger: release journalists", 2024. <a href="#fnref1">↩</a></li>
<li id="fn2">RSF statement, 3 March 2024.</li></ol></section>
</body></html>"""


def test_html_headings_paragraphs_and_footnotes(tmp_path: Path):
    path = tmp_path / "niger.html"
    path.write_text(HTML, encoding="utf-8")
    doc, sha = load_document(path)
    assert doc.title == "Niger 2024" and len(sha) == 64
    paths = {s.path: [p.text for p in s.paragraphs] for s in doc.sections}
    assert paths[("Freedom of expression",)] == [
        "In March, a journalist was detained in Niamey for reporting on the army."]
    assert paths[("Freedom of expression", "Online")] == ["Two bloggers were summoned by the police."]
    intro = doc.sections[0].paragraphs[0]
    assert intro.text == "The authorities arrested journalists. Others fled abroad." and intro.footnotes == (1,)
    assert doc.footnotes[1].text == 'Amnesty International, "Niger: release journalists", 2024.'
    assert doc.footnotes[2].text == "RSF statement, 3 March 2024."
    text = " ".join(p.text for s in doc.sections for p in s.paragraphs)
    assert "Home" not in text and "not text" not in text


def _pdf(path: Path, lines: list[tuple[str, int]], outline: list[str]) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages
    from pypdf import PdfWriter

    plt.rcParams["pdf.fonttype"] = 42  # TrueType: text a PDF reader can extract
    raw = path.with_suffix(".raw.pdf")
    with PdfPages(raw) as pdf:
        fig = plt.figure(figsize=(8.27, 11.69))
        for i, (text, size) in enumerate(lines):
            fig.text(0.08, 0.92 - 0.04 * i, text, fontsize=size)
        pdf.savefig(fig)
        plt.close(fig)
    writer = PdfWriter(clone_from=raw)
    for title in outline:
        writer.add_outline_item(title=title, page_number=0)
    writer.write(path)
    return path


def test_pdf_with_outline_gives_sections(tmp_path: Path):
    path = _pdf(tmp_path / "water.pdf", [("Water Report 2024", 20), ("Drought", 14),
                                          ("The well in Kanto ran dry in June after three months without rain.", 10)],
                ["Water Report 2024", "Drought"])
    doc, _ = load_document(path)
    assert doc.title == "Water Report 2024"
    section = [s for s in doc.sections if s.title == "Drought"][0]
    assert section.paragraphs[0].text.startswith("The well in Kanto ran dry in June")


def test_pdf_without_outline_uses_plain_text_rules(tmp_path: Path):
    path = _pdf(tmp_path / "plain.pdf", [("Field Notes", 18), ("Harvest", 14),
                                          ("The harvest in Velmora failed for the second year in a row.", 10)], [])
    doc, _ = load_document(path)
    assert doc.title == "Field Notes"
    assert any(p.text.startswith("The harvest in Velmora failed") for s in doc.sections for p in s.paragraphs)


@pytest.mark.parametrize("name, data, needle", [
    ("broken.pdf", b"%PDF-1.4 this is not really a pdf", "cannot read broken.pdf as a PDF"),
    ("slides.pptx", b"PK\x03\x04", "unsupported file type '.pptx'"),
    ("empty.html", b"<html><body><script>1</script></body></html>", "has no text to index"),
])
def test_bad_files_are_one_line_errors(tmp_path: Path, name, data, needle):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(DocumentError) as err:
        load_document(path)
    assert needle in str(err.value) and "\n" not in str(err.value)


def _report_pdf(path: Path) -> Path:
    """Two A4 pages laid out like a report: title, bold headings of two sizes, body lines, a
    superscript note marker, a paragraph running over the page break, page numbers, endnotes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    plt.rcParams["pdf.fonttype"] = 42
    body = [
        "President Aurel Vasenko won the parliamentary elections held on 6 October, which observers",
        "described as competitive but not free. Turnout was 47%, the lowest since 1992.",
    ]
    journalists = "On 9 April, officers arrested the journalist Irina Palesh at her home in Veltrava."
    spanning = [
        "Conditions in pre-trial detention remained harsh across the country, and lawyers said that",
        "detainees were routinely denied medical care and family visits for weeks at a time, often",
    ]
    pages = [
        [("Sorvenia Report 2024", 20, "bold"), ("Background", 14, "bold"), *[(t, 10, "normal") for t in body],
         ("Journalists", 12, "bold"), (journalists, 10, "normal"), ("Detention", 14, "bold"),
         *[(t, 10, "normal") for t in spanning]],
        [("during the year, and one detainee was held in solitary confinement for 41 days.", 10, "normal"),
         ("Endnotes", 14, "bold"),
         ("1. “Sorvenia: Journalist Irina Palesh faces up to 12 years in prison”, 18 April", 8, "normal")],
    ]
    with PdfPages(path) as pdf:
        for number, lines in enumerate(pages, 1):
            fig = plt.figure(figsize=(8.27, 11.69))
            y = 0.92
            for text, size, weight in lines:
                y -= 0.012 if size == 10 and weight == "normal" else 0.03  # body lines close, headings apart
                fig.text(0.08, y, text, fontsize=size, fontweight=weight)
                if text == journalists:  # the note marker: small, raised, right after the full stop
                    fig.text(0.08 + 0.0087 * len(text), y + 0.004, "1", fontsize=6)
            fig.text(0.5, 0.04, str(number), fontsize=9)  # page number
            pdf.savefig(fig)
            plt.close(fig)
    return path


def test_pdf_layout_gives_headings_levels_markers_and_paragraphs_across_pages(tmp_path: Path):
    doc, _ = load_document(_report_pdf(tmp_path / "sorvenia.pdf"))
    assert doc.title == "Sorvenia Report 2024"
    paths = [s.path for s in doc.sections]
    assert ("Background",) in paths and ("Background", "Journalists") in paths and ("Detention",) in paths
    journalists = [s for s in doc.sections if s.title == "Journalists"][0].paragraphs[0]
    assert journalists.footnotes == (1,) and doc.footnotes[1].text.startswith("“Sorvenia: Journalist Irina Palesh")
    # the paragraph that runs over the page break is one paragraph, with no page number inside
    detention = [s for s in doc.sections if s.title == "Detention"][0].paragraphs
    assert len(detention) == 1 and "often during the year" in detention[0].text
    everything = " ".join(p.text for s in doc.sections for p in s.paragraphs)
    assert not re.search(r"\b[12]\s+(?:during|Endnotes)", everything) and "Endnotes" not in everything
