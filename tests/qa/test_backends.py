"""FAISS and Milvus give the same answers on the whole dev set."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa import Assistant

pytest.importorskip("milvus_lite")
ROOT = Path(__file__).resolve().parents[2]


def test_same_answers_from_faiss_and_milvus_on_the_dev_set(collection_config, tmp_path):
    # exact_limit=0: both go through the vector store's top-k, the path a big corpus takes
    base = collection_config.with_(exact_limit=0)
    faiss_qa = Assistant(base)
    milvus_qa = Assistant(base.with_(backend="milvus", milvus_uri=str(tmp_path / "dev.db")))
    try:
        gold = [json.loads(line) for line in (ROOT / "data" / "dev.jsonl").read_text().splitlines() if line.strip()]
        for item in gold:
            a = faiss_qa.ask(item["question"], item.get("history"))
            b = milvus_qa.ask(item["question"], item.get("history"))
            assert (a.abstained, a.text, [c.chunk_id for c in a.citations]) == \
                   (b.abstained, b.text, [c.chunk_id for c in b.citations]), item["id"]
            assert [p.chunk_id for p in a.passages] == [p.chunk_id for p in b.passages], item["id"]
    finally:
        milvus_qa.store.close()
