"""HTML and PDF documents: headings, paragraphs and footnotes come out as for Markdown."""
from __future__ import annotations

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
