"""Exporting a Hugging Face encoder's last hidden states to an ONNX graph, once, atomically."""
from __future__ import annotations

import os
import warnings
from pathlib import Path


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
