"""The model engines: every engine of a model gives that model's vectors (real weights, real report)."""
from __future__ import annotations

import numpy as np
import pytest

from index import E5Embedder, MiniLMEmbedder, ModelUnavailable, chunk_document, load_document, load_embedder
from index.chunking import embedding_texts
from index.embedder import native_bf16
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


@pytest.mark.skipif(not native_bf16(), reason="this CPU has no native bfloat16: the ingest engine is the NumPy one")
def test_ingest_engine_is_bf16_and_meets_the_query_engine(texts, numpy_vectors):
    engine = load_embedder("minilm", threads=2, ingest=True)
    assert engine.backend == "torch-bf16" and engine.name == MiniLMEmbedder.name
    assert _min_cosine(engine.encode(texts), numpy_vectors) > 0.999


def test_e5_gives_the_same_vectors_on_two_threads(texts):
    one = E5Embedder(threads=1).encode(texts[:12])
    two = E5Embedder(threads=2).encode(texts[:12])
    assert _min_cosine(one, two) > 0.99999


def test_unknown_model_or_engine_is_a_clear_error():
    with pytest.raises(ModelUnavailable, match="unknown embedder"):
        load_embedder("bert-large")
    with pytest.raises(ModelUnavailable, match="unknown MiniLM backend"):
        MiniLMEmbedder(backend="onnx")
