"""ONNX graph files of the indexing engines: exported once (atomically), checked once against
the engine they stand in for (a ``.checked`` file beside each), opened for single-threaded runs."""
from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Callable


def quiet_transformers() -> None:
    """A one-off export is no reason for progress bars and tracer warnings."""
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()


def export_last_hidden(encoder, inputs: dict, target: Path) -> None:
    """Write ``encoder(**kwargs).last_hidden_state`` to ``target`` as a graph with output
    ``hidden``. ``inputs`` maps each graph input name to (the encoder's keyword, an example
    tensor); batch and token axes stay dynamic."""
    import torch

    keywords = [kw for kw, _ in inputs.values()]

    class LastHidden(torch.nn.Module):
        def __init__(self, inner) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, *args):
            return self.inner(**dict(zip(keywords, args))).last_hidden_state

    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    axes = {0: "batch", 1: "tokens"}
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(LastHidden(encoder), tuple(t for _, t in inputs.values()), str(tmp),
                              input_names=list(inputs), output_names=["hidden"],
                              dynamic_axes={**{name: axes for name in inputs}, "hidden": axes},
                              opset_version=17, dynamo=False)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def ensure_graph(graph: Path, build: Callable[[Path], None]) -> Path:
    """``graph``, built by ``build(graph)`` when missing; a new graph has not been checked yet."""
    if not graph.exists():
        graph.with_suffix(".checked").unlink(missing_ok=True)
        build(graph)
    return graph


def is_checked(graph: Path) -> bool:
    return graph.with_suffix(".checked").exists()


def record_agreement(graph: Path, agree: float, floor: float, reference: str) -> None:
    """Keep ``graph`` if its probe vectors agree with ``reference``'s (cosine >= ``floor``),
    recorded in a ``.checked`` file beside it so the check runs once per graph; else delete it
    (built again next time) and raise."""
    if agree < floor:
        graph.unlink(missing_ok=True)
        raise ValueError(f"the ONNX engine {graph.name} disagrees with {reference} (cosine {agree:.4f})")
    graph.with_suffix(".checked").write_text(f"cosine to {reference}: {agree:.6f}\n")


def open_session(graph: Path):
    """A single-threaded ONNX Runtime session (engines run several side by side, one per core);
    a truncated or foreign file is deleted, to be built and checked again next time."""
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    opts.log_severity_level = 3
    try:
        return ort.InferenceSession(str(graph), opts, providers=["CPUExecutionProvider"])
    except Exception:
        graph.unlink(missing_ok=True)
        graph.with_suffix(".checked").unlink(missing_ok=True)
        raise
