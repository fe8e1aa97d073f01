"""Collections: many files and folders, incremental updates by checksum, removal, index type."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from index import IndexCorrupt
from index.collection import load_collection, read_collection_manifest, update_collection
from index.vectorstore import FaissStore
from qa.assistant import load_embedders

WELL = "# Water report\n\nIntro to the water situation.\n\n## Drought\n\nThe well in Kanto ran dry in June.[^1]\n\n[^1]: Field note, 2 June.\n"
SCHOOL = "# School report\n\n## Teachers\n\nForty teachers in Velmora went unpaid for five months.\n"
HTML = ("<html><body><h1>Harbour bulletin</h1><h2>Ships</h2><p>Three ferries were stopped at Quillon "
        "harbour in May.</p></body></html>")


@pytest.fixture(scope="module")
def embedders(config):
    return load_embedders(config)


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    d = tmp_path / "docs"
    (d / "sub").mkdir(parents=True)
    (d / "well.md").write_text(WELL, encoding="utf-8")
    (d / "sub" / "school.txt").write_text(SCHOOL, encoding="utf-8")
    (d / "harbour.html").write_text(HTML, encoding="utf-8")
    (d / "notes.docx").write_bytes(b"PK\x03\x04")
    return d


def test_folder_is_indexed_and_unsupported_files_are_skipped_by_name(folder, tmp_path, embedders):
    index, report = update_collection(tmp_path / "c", [folder], embedders)
    assert sorted(Path(p).name for p in report.added) == ["harbour.html", "school.txt", "well.md"]
    assert [(Path(p).name, r) for p, r in report.skipped] == [("notes.docx", "unsupported file type '.docx'")]
    titles = {d["title"]: d for d in index.documents}
    assert set(titles) == {"Water report", "School report", "Harbour bulletin"}
    # every chunk id names its document; rows map back to it
    for i, c in enumerate(index.chunks):
        d = index.documents[index.doc_of_row[i]]
        assert c.id.startswith(d["key"] + ":") and d["start"] <= i < d["end"]
        assert not c.parent or c.parent.startswith(d["key"] + ":")
    m = read_collection_manifest(tmp_path / "c")
    assert m["index_type"] == "flat-ip" and m["kind"] == "collection"
    assert all(len(d["sha256"]) == 64 for d in m["documents"])


def test_another_precision_embeds_every_document_again_and_keeps_them_all(folder, tmp_path, embedders):
    update_collection(tmp_path / "c", [folder], embedders, precision="int8")
    (folder / "harbour.html").unlink()  # gone: cannot be embedded again, so it leaves the collection
    # Only one file named, yet every document still on disk is embedded again: none is lost.
    index, report = update_collection(tmp_path / "c", [folder / "well.md"], embedders, precision="float32")
    assert sorted(Path(p).name for p in report.changed) == ["school.txt", "well.md"]
    assert [Path(p).name for p in report.removed] == ["harbour.html"] and not report.added
    assert {d["title"] for d in index.documents} == {"Water report", "School report"}
    m = read_collection_manifest(tmp_path / "c")
    assert {v["precision"] for v in m["models"].values()} == {"float32"}
    _, again = update_collection(tmp_path / "c", [folder], embedders, precision="float32")
    assert again.embedded_chunks == 0 and len(again.unchanged) == 2
    _, unstated = update_collection(tmp_path / "c", [folder], embedders)  # no precision asked: keep what is there
    assert unstated.embedded_chunks == 0


def test_only_the_changed_document_is_embedded_again(folder, tmp_path, embedders):
    first, _ = update_collection(tmp_path / "c", [folder], embedders)
    same, report = update_collection(tmp_path / "c", [folder], embedders)
    assert report.embedded_chunks == 0 and len(report.unchanged) == 3 and len(same.chunks) == len(first.chunks)
    (folder / "well.md").write_text(WELL.replace("June", "July"), encoding="utf-8")
    index, report = update_collection(tmp_path / "c", [folder], embedders)
    assert [Path(p).name for p in report.changed] == ["well.md"]
    well = next(d for d in index.documents if d["title"] == "Water report")
    assert report.embedded_chunks == well["end"] - well["start"]
    assert any("July" in c.text for c in index.chunks) and not any("June" in c.text for c in index.chunks if c.kind != "footnote")
    # untouched documents keep their vectors bit for bit
    school_old = next(d for d in first.documents if d["title"] == "School report")
    school_new = next(d for d in index.documents if d["title"] == "School report")
    for k in embedders:
        assert np.array_equal(first.vectors[k][school_old["start"]:school_old["end"]],
                              index.vectors[k][school_new["start"]:school_new["end"]])


def test_adding_a_file_keeps_what_was_indexed_and_removal_drops_chunks(folder, tmp_path, embedders):
    update_collection(tmp_path / "c", [folder / "well.md"], embedders)
    index, report = update_collection(tmp_path / "c", [folder / "harbour.html"], embedders)
    assert {d["title"] for d in index.documents} == {"Water report", "Harbour bulletin"}
    assert report.embedded_chunks == index.documents[1]["end"] - index.documents[1]["start"]
    key = next(d["key"] for d in index.documents if d["title"] == "Water report")
    index, report = update_collection(tmp_path / "c", [], embedders, remove=[key])
    assert [d["title"] for d in index.documents] == ["Harbour bulletin"] and len(report.removed) == 1
    assert not any(c.id.startswith(key + ":") for c in index.chunks)
    assert len(list((tmp_path / "c" / "docs").iterdir())) == 1  # the removed document's files are gone


def test_missing_file_is_reported_and_nothing_is_lost(folder, tmp_path, embedders):
    update_collection(tmp_path / "c", [folder / "well.md"], embedders)
    index, report = update_collection(tmp_path / "c", [tmp_path / "nope.md"], embedders)
    assert report.skipped == [(str(tmp_path / "nope.md"), "no such file or folder")]
    assert [d["title"] for d in index.documents] == ["Water report"]


def test_hnsw_is_recorded_and_agrees_with_exact_search(folder, tmp_path, embedders):
    index, _ = update_collection(tmp_path / "c", [folder], embedders, index_type="hnsw")
    assert index.manifest["index_type"] == "hnsw"
    loaded = load_collection(tmp_path / "c")
    assert loaded.manifest["index_type"] == "hnsw" and (tmp_path / "c" / "current" / "faiss-minilm.index").exists()
    store = FaissStore(loaded)
    q = embedders["minilm"].encode(["Which ferries were stopped?"], query=True)[0]
    rows, scores = store.search("minilm", q, 5)
    exact = np.sort(loaded.vectors["minilm"] @ q)[::-1][:5]
    assert np.allclose(scores, exact, atol=1e-5)  # same hits (a paragraph and its lone sentence tie)
    # a scope is searched exactly inside its documents
    rows, _ = store.search("minilm", q, 50, docs=[0])
    d = loaded.documents[0]
    assert all(d["start"] <= r < d["end"] for r in rows) and len(rows) == d["end"] - d["start"]


def test_edited_collection_file_is_reported(folder, tmp_path, embedders):
    update_collection(tmp_path / "c", [folder / "well.md"], embedders)
    vec = tmp_path / "c" / "current" / "vectors-minilm.npy"
    vec.write_bytes(vec.read_bytes()[:-8])
    with pytest.raises(IndexCorrupt, match="changed or truncated"):
        load_collection(tmp_path / "c")
    manifest = json.loads((tmp_path / "c" / "current" / "manifest.json").read_text())
    assert manifest["documents"][0]["title"] == "Water report"


def test_adding_to_an_hnsw_collection_grows_its_graphs(folder, tmp_path, embedders):
    """Documents only added: the HNSW graphs grow (no rebuild); a change rebuilds them."""
    (folder / "harbour.html").unlink()
    _, first = update_collection(tmp_path / "c", [folder], embedders, index_type="hnsw")
    assert not first.appended
    (folder / "harbour.html").write_text(HTML, encoding="utf-8")
    index, report = update_collection(tmp_path / "c", [folder], embedders, index_type="hnsw")
    assert report.appended and [Path(p).name for p in report.added] == ["harbour.html"]
    reloaded = load_collection(tmp_path / "c")  # checksums of the grown graphs verify
    store = FaissStore(reloaded)
    for key in reloaded.vectors:
        assert reloaded.faiss[key].ntotal == len(reloaded.chunks)
        # every chunk, old or new, is found as its own nearest neighbour through the grown graph
        for row in range(len(reloaded.chunks)):
            rows, _ = store.search(key, reloaded.vectors[key][row], 1)
            assert np.allclose(reloaded.vectors[key][rows[0]], reloaded.vectors[key][row])
    ferry = next(i for i, c in enumerate(reloaded.chunks) if "ferries" in c.text)
    assert reloaded.documents[int(reloaded.doc_of_row[ferry])]["title"] == "Harbour bulletin"

    (folder / "sub" / "school.txt").write_text(SCHOOL.replace("Forty", "Fifty"), encoding="utf-8")
    _, changed = update_collection(tmp_path / "c", [folder], embedders, index_type="hnsw")
    assert changed.changed and not changed.appended
    assert load_collection(tmp_path / "c").faiss["minilm"].ntotal == len(index.chunks)


def test_progress_counts_a_file_once_its_work_is_over(folder, tmp_path, embedders):
    seen: list[tuple[str, int, int]] = []
    update_collection(tmp_path / "c", [folder], embedders, progress=lambda msg, n, total: seen.append((msg, n, total)))
    files = [s for s in seen if s[2]]
    counts = [n for _, n, _ in files]
    # the unsupported file is set aside before reading; the other three count when embedded
    assert counts == sorted(counts) and counts[-1] == 3 and {t for _, _, t in files} == {3}
    embedding = [i for i, (msg, _, _) in enumerate(files) if msg == "embedding 3 documents"]
    assert len(embedding) == 1 and files[embedding[0]][1] == 0 and counts.index(3) > embedding[0]


def test_a_documents_bm25_in_a_collection_equals_its_own_and_survives_reload(folder, tmp_path, embedders):
    index, _ = update_collection(tmp_path / "c", [folder], embedders)
    reloaded = load_collection(tmp_path / "c")
    for doc, d in enumerate(index.documents):
        rows = np.arange(d["start"], d["end"])
        single, _ = update_collection(tmp_path / f"one-{doc}", [Path(d["path"])], embedders)
        for q in ("well ran dry in June", "teachers unpaid", "ferries stopped at the harbour"):
            alone = single.bm25_scores(q)
            for ix in (index, reloaded):
                got = ix.bm25_scores(q, doc)
                assert np.allclose(got[rows], alone, atol=1e-5) and not np.delete(got, rows).any()
