"""The model engines: every engine of a model gives that model's vectors (real weights, real report)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index import E5Embedder, MiniLMEmbedder, ModelUnavailable, chunk_document, load_document, load_embedder
from index.chunking import embedding_texts
from index.embed_chunks import embed_chunks, embed_many
from index.minilm_onnx import OnnxBert
from qa import DEFAULT_DOCUMENT


@pytest.fixture(scope="module")
def texts() -> list[str]:
    doc, _ = load_document(DEFAULT_DOCUMENT)
    return embedding_texts(chunk_document(doc))[:40]


@pytest.fixture(scope="module")
def numpy_vectors(texts) -> np.ndarray:
    return MiniLMEmbedder(threads=1).encode(texts)


def _min_cosine(a: np.ndarray, b: np.ndarray) -> float:
    assert a.shape == b.shape and a.dtype == np.float32 and b.dtype == np.float32
    return float((a * b).sum(1).min())


def test_numpy_engine_gives_the_sentence_transformers_vectors(texts, numpy_vectors):
    reference = MiniLMEmbedder(threads=1, backend="torch").encode(texts)
    assert _min_cosine(numpy_vectors, reference) > 0.9999
    norms = np.linalg.norm(numpy_vectors, axis=1)
    assert np.allclose(norms, 1.0, atol=1e-5)


def test_batches_of_mixed_lengths_give_the_vectors_of_single_texts(texts, numpy_vectors):
    engine = MiniLMEmbedder(threads=1, batch_size=7)
    one_by_one = np.vstack([engine.encode([t]) for t in texts[:10]])
    assert _min_cosine(one_by_one, numpy_vectors[:10]) > 0.99999


@pytest.fixture(scope="module")
def ingest_engine(tmp_path_factory) -> MiniLMEmbedder:
    """The indexing engine, its ONNX graphs exported from the packaged weights into a fresh folder."""
    engine = load_embedder("minilm", threads=2, ingest=True, engine_dir=tmp_path_factory.mktemp("engines"),
                           precision="int8")
    assert engine.backend == "onnx" and engine.name == MiniLMEmbedder.name
    return engine


def test_ingest_engine_gives_the_query_engines_vectors(texts, numpy_vectors, ingest_engine):
    assert _min_cosine(ingest_engine.encode(texts), numpy_vectors) > 0.9999


def test_questions_run_in_onnx_only_once_an_index_build_has_checked_its_graph(tmp_path, texts, numpy_vectors,
                                                                             ingest_engine):
    # No graph yet: questions use the NumPy engine and never start an export.
    assert load_embedder("minilm", engine_dir=tmp_path / "empty").backend == "numpy"
    assert not list((tmp_path / "empty").glob("*.onnx"))
    query = load_embedder("minilm", engine_dir=ingest_engine._np.path.parent)
    assert query.backend == "onnx"
    assert _min_cosine(query.encode(texts), numpy_vectors) > 0.9999


@pytest.fixture(scope="module")
def report_chunks():
    doc, _ = load_document(DEFAULT_DOCUMENT)
    return chunk_document(doc)


def test_a_paragraph_pass_gives_paragraph_and_sentence_vectors(report_chunks):
    numpy_engine = MiniLMEmbedder(threads=1)
    vectors = embed_chunks(report_chunks, {"minilm": numpy_engine})["minilm"]
    assert vectors.shape == (len(report_chunks), numpy_engine.dim)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    # a paragraph's vector is its text read alone; a sentence's is pooled from its paragraph's
    # pass, so it differs from the sentence read alone but stays close to it
    alone = numpy_engine.encode(embedding_texts(report_chunks))
    cos = (vectors * alone).sum(1)
    kinds = np.array([c.kind for c in report_chunks])
    assert cos[kinds == "paragraph"].min() > 0.9999 and cos[kinds == "footnote"].min() > 0.9999
    sentences = cos[kinds == "sentence"]
    assert sentences.max() < 0.9999 and sentences.mean() > 0.75


def test_int8_paragraph_passes_stay_close_and_do_not_depend_on_neighbours(report_chunks, ingest_engine):
    exact = embed_chunks(report_chunks, {"minilm": MiniLMEmbedder(threads=1)})["minilm"]
    fast = embed_chunks(report_chunks, {"minilm": ingest_engine})["minilm"]
    # per-token activation scales keep int8 close (plain per-tensor int8 gave a minimum of ~0.97)
    assert _min_cosine(fast, exact) > 0.997
    # read in the company of another document's paragraphs, the report gets the same vectors
    other, _ = load_document(Path(__file__).parents[2] / "eval" / "gold" / "docs" / "freedonia-2024.txt")
    together = embed_many([chunk_document(other), report_chunks], {"minilm": ingest_engine})[1]["minilm"]
    assert np.abs(together - fast).max() < 1e-5


def test_int8_graph_quantises_attention_output_and_ffn_with_per_token_scales(ingest_engine):
    import onnx

    graph = onnx.load(str(ingest_engine._np.path.with_name(ingest_engine._np.path.stem + "-int8-per-token.onnx")))
    ops = [n.op_type for n in graph.graph.node]
    layers = ingest_engine._np.config["num_hidden_layers"]
    # three weight MatMuls per layer run on int8, each behind its own per-token scale
    assert ops.count("DynamicQuantizeLinear") + ops.count("DynamicQuantizeMatMul") == 3 * layers
    assert ops.count("ReduceMax") == 3 * layers
    # the attention projections stay float32
    assert sum(1 for n in graph.graph.node if n.op_type == "MatMul" and "attention/self" in n.name
               and n.input[1] in {i.name for i in graph.graph.initializer}) == 3 * layers


def test_a_sentence_past_what_one_pass_reads_is_embedded_alone():
    engine = MiniLMEmbedder(threads=1)
    long = " ".join(f"Sentence {i} tells of the river crossing at Gao and the boats." for i in range(80))
    first_sentence = (0, long.index(".") + 1)
    last_sentence = (long.rindex("Sentence"), len(long))
    vectors, covered = engine.encode_spans([long], [[(first_sentence,), (last_sentence,)]])
    assert covered[0].tolist() == [True, False]
    assert np.abs(vectors[0][2]).max() == 0.0


def test_a_broken_onnx_graph_is_built_again(tmp_path, texts, numpy_vectors):
    engine_dir = tmp_path / "engines"
    first = load_embedder("minilm", threads=1, ingest=True, engine_dir=engine_dir)
    graph = first._np.path
    graph.write_bytes(b"not an onnx graph")
    # the broken file is reported and removed; indexing goes on with the NumPy engine
    fallback = load_embedder("minilm", threads=1, ingest=True, engine_dir=engine_dir)
    assert fallback.backend == "numpy" and not graph.exists()
    rebuilt = load_embedder("minilm", threads=1, ingest=True, engine_dir=engine_dir)
    assert rebuilt.backend == "onnx" and _min_cosine(rebuilt.encode(texts), numpy_vectors) > 0.9999


def test_e5_gives_the_same_vectors_on_two_threads(texts):
    one = E5Embedder(threads=1).encode(texts[:12])
    two = E5Embedder(threads=2).encode(texts[:12])
    assert _min_cosine(one, two) > 0.99999


def test_unknown_model_or_engine_is_a_clear_error():
    with pytest.raises(ModelUnavailable, match="unknown embedder"):
        load_embedder("bert-large")
    with pytest.raises(ModelUnavailable, match="unknown MiniLM backend"):
        MiniLMEmbedder(backend="tensorrt")
    with pytest.raises(ModelUnavailable, match="engine_dir"):
        MiniLMEmbedder(backend="onnx")
