"""qa's collection API: index_documents / collection_documents, and a MiniLM-only collection."""
from __future__ import annotations

from pathlib import Path

import pytest

from qa import Assistant, collection_documents, index_documents

SCHOOL = "<html><body><h1>School report</h1><h2>Teachers</h2><p>Forty teachers in Velmora went unpaid for five months.</p></body></html>"
HARBOUR = "# Harbour bulletin\n\n## Ships\n\nThree ferries were stopped at Quillon harbour in May.[^1]\n\n[^1]: Port log, 4 May.\n"


@pytest.fixture(scope="module")
def fast_collection(config, tmp_path_factory):
    docs = tmp_path_factory.mktemp("library-docs")
    (docs / "school.html").write_text(SCHOOL, encoding="utf-8")
    (docs / "harbour.md").write_text(HARBOUR, encoding="utf-8")
    (docs / "notes.docx").write_bytes(b"PK\x03\x04")
    cfg = config.with_(collection=str(tmp_path_factory.mktemp("library") / "fast"), embedders=("minilm",))
    return cfg, docs, index_documents(cfg, [docs])


def test_index_documents_reports_what_it_did(fast_collection):
    cfg, docs, summary = fast_collection
    assert summary.documents == 2 and summary.models == ("minilm",) and summary.index_type == "flat-ip"
    assert sorted(Path(p).name for p in summary.report.added) == ["harbour.md", "school.html"]
    assert [Path(p).name for p, _ in summary.report.skipped] == ["notes.docx"]
    assert summary.report.embedded_chunks == summary.chunks and summary.chunks_per_second > 0
    again = index_documents(cfg, [docs])
    assert again.report.embedded_chunks == 0 and len(again.report.unchanged) == 2


def test_collection_documents_lists_titles(fast_collection, config, tmp_path):
    cfg, _, _ = fast_collection
    titles = {d["title"] for d in collection_documents(cfg)}
    assert titles == {"School report", "Harbour bulletin"}
    assert collection_documents(config.with_(collection=str(tmp_path / "none"))) is None


def test_a_minilm_only_collection_loads_its_own_models_and_answers(fast_collection):
    cfg, _, _ = fast_collection
    # The caller's config still names both models: the collection's manifest decides.
    assistant = Assistant(cfg.with_(embedders=("e5", "minilm")))
    assert set(assistant.embedders) == {"minilm"}
    answer = assistant.ask("How many teachers went unpaid?")
    assert not answer.abstained and "Forty teachers" in answer.text
    assert answer.citations[0].document == "School report"
    # Not English: no multilingual model here, yet a clean answer or refusal, never a crash.
    other = assistant.ask("Combien d'enseignants n'ont pas été payés ?")
    assert isinstance(other.text, str) and other.text
