"""A BERT encoder run by ONNX Runtime: the batch engine for indexing.

Measured on this 2-core machine over the report's chunks: ~105 chunks/s against ~27 for the
NumPy forward pass and ~66 for torch, with the same vectors (cosine 1.0 in float32; an int8
graph reads paragraphs, see :class:`OnnxBert`). The ONNX graph is exported once
from the packaged weights (torch, at the first index build) into the cache, checked against the
NumPy engine once, and reused.
"""
from __future__ import annotations

import hashlib
import json
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable

import numpy as np

from .bert_encoder import BertEncoder
from .onnx_graph import ensure_graph, export_last_hidden, is_checked, open_session, quiet_transformers, record_agreement
from .onnx_int8 import int8_graph
from .store import _file_sha

PROBE = "Engines must agree: the ONNX graph is checked against the NumPy forward pass."


def _weights_digest(model_dir: Path, engine_dir: Path | None = None) -> str:
    """Names the exported graph after the weights it was exported from. Hashing 90 MB of weights
    costs ~0.25 s, so the digest is kept in ``engine_dir`` under the files' sizes and mtimes and
    read back while they are unchanged (a question engine starts in well under a second)."""
    files = [model_dir / name for name in ("config.json", "model.safetensors")]
    key = "|".join(f"{f.resolve()}:{f.stat().st_size}:{f.stat().st_mtime_ns}" for f in files)
    memo = Path(engine_dir) / "weights-digests.json" if engine_dir is not None else None
    known: dict[str, str] = {}
    if memo is not None and memo.is_file():
        try:
            known = json.loads(memo.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            known = {}
    if isinstance(known.get(key), str):
        return known[key]
    digest = hashlib.sha256("".join(_file_sha(f) for f in files).encode()).hexdigest()[:16]
    if memo is not None:
        try:
            memo.parent.mkdir(parents=True, exist_ok=True)
            tmp = memo.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps({**known, key: digest}), encoding="utf-8")
            os.replace(tmp, memo)
        except OSError:  # a read-only engine folder only costs the hash next time
            pass
    return digest


def export_onnx(model_dir: Path, target: Path) -> None:
    """Write the encoder's last-hidden-state graph (inputs ``ids``, ``mask``) to ``target``."""
    import torch
    from transformers import AutoModel

    quiet_transformers()
    model = AutoModel.from_pretrained(str(model_dir)).eval()
    ids = torch.ones(2, 16, dtype=torch.long)
    export_last_hidden(model, {"ids": ("input_ids", ids), "mask": ("attention_mask", torch.ones_like(ids))}, target)


class OnnxBert(BertEncoder):
    """Same tokenizer and pooling as :class:`~index.minilm_numpy.NumpyBert`, forward pass in ONNX Runtime.

    ``span_precision="int8"`` reads paragraphs (``encode_spans``) with the graph of
    :func:`~index.onnx_int8.quantize_onnx`: ~1.3x the float32 throughput here, vectors at cosine ~0.999, and the
    same or better scores on all three gold sets. Single texts (words for the synonym checks,
    footnotes) stay float32: synonym matches sit on a fixed cosine threshold.
    """

    def __init__(self, model_dir: Path, engine_dir: Path, threads: int = 1, max_length: int = 256,
                 reference: Callable[[], BertEncoder] | None = None, span_precision: str = "float32",
                 build: bool = True) -> None:
        """``reference`` builds the engine the graphs must agree with; it is asked once per graph
        (a ``.checked`` file beside it records the agreement), not at every load. ``build=False``
        only opens a graph already exported and checked (FileNotFoundError otherwise): a query
        engine must not start an export."""
        super().__init__(model_dir, max_length)
        if span_precision not in ("float32", "int8"):
            raise ValueError(f"unknown precision {span_precision!r}; use float32 or int8")
        graph = Path(engine_dir) / f"{self.model_dir.name}-{_weights_digest(self.model_dir, Path(engine_dir))}.onnx"
        if not build and not (graph.exists() and is_checked(graph)):
            raise FileNotFoundError(f"no checked ONNX graph at {graph}")
        base = ensure_graph(graph, lambda target: export_onnx(self.model_dir, target))
        # One thread per session run, ``threads`` runs side by side: ~45% more words/s and ~10% more
        # paragraphs/s than one run on two threads here (ORT releases the GIL while it runs).
        self.workers = max(1, threads)
        self._pool_exec = ThreadPoolExecutor(self.workers) if self.workers > 1 else None
        self.path = base
        self._session = open_session(base)
        self._span_session = self._session
        graphs = [(base, self._session, 0.9999)]
        if span_precision == "int8":
            quantized = int8_graph(base)
            self._span_session = open_session(quantized)
            graphs.append((quantized, self._span_session, 0.995))
        unchecked = [g for g in graphs if not is_checked(g[0])]
        if reference is not None and unchecked:
            ref = reference().encode([PROBE])
            for graph, session, floor in unchecked:
                record_agreement(graph, float((self._run_probe(session) * ref).sum()), floor, "the NumPy engine")

    def _map(self, forward, batches):
        if self._pool_exec is None:
            yield from super()._map(forward, batches)
            return
        pending = []
        for rows, ids, mask in batches:
            pending.append((rows, ids, mask, self._pool_exec.submit(forward, ids, mask)))
        for rows, ids, mask, future in pending:
            yield rows, ids, mask, future.result()

    def _run_probe(self, session) -> np.ndarray:
        enc = self.tokenizer.encode(PROBE)
        ids = np.array([enc.ids], dtype=np.int64)
        mask = np.ones_like(ids, dtype=np.float32)
        return self._pool(session.run(None, {"ids": ids, "mask": mask.astype(np.int64)})[0], mask)

    def _hidden(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        return self._session.run(None, {"ids": ids, "mask": mask.astype(np.int64)})[0]

    def _span_hidden(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        return self._span_session.run(None, {"ids": ids, "mask": mask.astype(np.int64)})[0]
