"""Shared fixtures for the qa tests: an assistant over a small made-up document, and a real
collection for the many-documents tests (the report among two small documents)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from index.collection import update_collection
from qa import DEFAULT_DOCUMENT, Assistant
from qa.assistant import load_embedders

NIGER = """<html><head><title>Niger 2024</title></head><body>
<h1>Niger 2024</h1><p>The authorities arrested journalists and closed a radio station.<sup>1</sup></p>
<h2>Freedom of expression</h2>
<p>In March, a journalist was detained in Niamey for reporting on the army.<sup>2</sup></p>
<ol class="footnotes"><li id="fn1">Amnesty International, "Niger: free the press", 2024.</li>
<li id="fn2">RSF statement, 3 March 2024.</li></ol></body></html>"""
WATER = "# Water report 2024\n\n## Drought\n\nThe well in Kanto ran dry in June after three months without rain.\n"


@pytest.fixture(scope="session")
def assistant_over(config, tmp_path_factory):
    """``assistant_over("court.md", TEXT)``: a real assistant over a made-up document written to disk."""
    def make(name: str, text: str) -> Assistant:
        doc = tmp_path_factory.mktemp(Path(name).stem) / name
        doc.write_text(text, encoding="utf-8")
        return Assistant(config.with_(document=doc))
    return make


@pytest.fixture(scope="session")
def collection_folder(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("collection-docs")
    shutil.copy(DEFAULT_DOCUMENT, d / DEFAULT_DOCUMENT.name)
    (d / "niger-2024.html").write_text(NIGER, encoding="utf-8")
    (d / "water.md").write_text(WATER, encoding="utf-8")
    return d


@pytest.fixture(scope="session")
def collection_config(config, collection_folder, tmp_path_factory):
    """A Config over a built collection (the report first, so its document position is 0)."""
    directory = tmp_path_factory.mktemp("collection") / "c"
    files = [collection_folder / DEFAULT_DOCUMENT.name, collection_folder / "niger-2024.html",
             collection_folder / "water.md"]
    update_collection(directory, files, load_embedders(config, ingest=True))  # as `reportqa index` does
    return config.with_(collection=str(directory))
