"""The vector-store interface: FAISS (default) and Milvus Lite (a real local .db) agree."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from index.vectorstore import FaissStore, MilvusStore, StoreError, open_store

pytest.importorskip("pymilvus")
pytest.importorskip("milvus_lite")

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def milvus(assistant, tmp_path_factory):
    db = tmp_path_factory.mktemp("milvus") / "reportqa.db"
    store = MilvusStore(str(db), assistant.index)
    yield store
    store.close()


def test_dense_search_matches_faiss(assistant, milvus):
    faiss_store = FaissStore(assistant.index)
    for question in ("Which countries left ECOWAS?", "How many people were affected by floods?"):
        for key in assistant.embedders:
            q = assistant.embedders[key].encode([question], query=True)[0]
            rows_f, scores_f = faiss_store.search(key, q, 10)
            rows_m, scores_m = milvus.search(key, q, 10)
            # same hits in the same order of score (a heading-less paragraph and its lone sentence tie)
            assert np.allclose(scores_m, scores_f, atol=1e-5)
            exact = assistant.index.vectors[key] @ q
            assert np.allclose(exact[rows_m], scores_m, atol=1e-5)
            assert np.array_equal(milvus.vectors(key, rows_m), assistant.index.vectors[key][rows_m])


def test_filters_and_hybrid_search_rank_the_right_chunk_first(assistant, milvus):
    q = assistant.embedders["minilm"].encode(["Which countries left ECOWAS?"], query=True)[0]
    assert len(milvus.search("minilm", q, 5, docs=[1])[0]) == 0  # no such document: nothing
    rows = milvus.hybrid("minilm", q, "ECOWAS confederation", 5, docs=[0])
    top = assistant.index.chunks[rows[0]]
    assert "ECOWAS" in top.text  # rank order and ids only: Lite's BM25 scores differ from a server's


def test_unknown_backend_and_missing_uri_are_clear(assistant):
    with pytest.raises(StoreError, match="needs a URI"):
        open_store("milvus", assistant.index, "")
    with pytest.raises(StoreError, match="unknown vector store 'pinecone'"):
        open_store("pinecone", assistant.index)


def test_a_second_process_gets_a_clear_message(assistant, milvus):
    code = textwrap.dedent(f"""
        import sys
        from index.vectorstore import _open_client, StoreError
        try:
            _open_client({milvus.uri!r})
        except StoreError as exc:
            print(exc); sys.exit(3)
        print("opened"); sys.exit(0)
    """)
    res = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert res.returncode == 3, res.stdout + res.stderr[-500:]
    assert "is open in another process" in res.stdout and "one process per .db" in res.stdout
