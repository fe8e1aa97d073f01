"""all-MiniLM-L6-v2 forward pass in NumPy, from the packaged safetensors weights.

Why by hand: importing torch + sentence-transformers costs ~5 s of every cold start and
~15 ms per single query on one core; this BERT-6 forward is ~80 lines, gives the same vectors
(cosine > 0.9999 to sentence-transformers, checked in tests) and loads in a fraction of a second.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from .bert_encoder import BertEncoder

_P = 0.3275911
_A = (0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429)


def _gelu(x: np.ndarray, block: int = 65536) -> np.ndarray:
    """Exact (erf) GELU, in place over cache-sized blocks: at ingest the intermediate layer is
    (tokens x 1536) floats and a temporary per operation cost as much as the matmuls."""
    x = np.ascontiguousarray(x, dtype=np.float32)
    flat = x.reshape(-1)
    a = np.empty(min(block, flat.size), np.float32)
    t, e = np.empty_like(a), np.empty_like(a)
    r2, p = np.float32(1.0 / np.sqrt(2.0)), np.float32(_P)
    c = [np.float32(v) for v in _A]
    for start in range(0, flat.size, block):
        xs = flat[start:start + block]
        n = xs.size
        aa, tt, ee = a[:n], t[:n], e[:n]
        np.multiply(xs, r2, out=aa)
        np.abs(aa, out=aa)
        np.multiply(aa, p, out=tt)
        tt += 1
        np.reciprocal(tt, out=tt)
        np.multiply(aa, aa, out=ee)
        np.negative(ee, out=ee)
        np.exp(ee, out=ee)
        np.multiply(tt, c[4], out=aa)
        for k in (3, 2, 1, 0):
            aa += c[k]
            aa *= tt
        aa *= ee  # = 1 - erf(|x|/sqrt 2)  (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7)
        aa *= np.float32(0.5)
        np.subtract(np.float32(1.0), aa, out=ee)  # Phi(x) for x >= 0; aa is Phi(x) for x < 0
        np.copyto(ee, aa, where=xs < 0)
        xs *= ee
    return x


def _layer_norm(x: np.ndarray, w: np.ndarray, b: np.ndarray, eps: float) -> np.ndarray:
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * w + b


class NumpyBert(BertEncoder):
    """A BERT encoder run in NumPy, pooled as sentence-transformers pools all-MiniLM-L6-v2."""

    def __init__(self, model_dir: Path, max_length: int = 256) -> None:
        from safetensors.numpy import load_file

        super().__init__(model_dir, max_length)
        cfg = self.config
        self.heads = int(cfg["num_attention_heads"])
        self.layers = int(cfg["num_hidden_layers"])
        self.eps = float(cfg.get("layer_norm_eps", 1e-12))
        w = load_file(str(self.model_dir / "model.safetensors"))
        self.w = {k.removeprefix("bert."): v.astype(np.float32) for k, v in w.items()}
        # Pre-transpose the linear layers once: x @ W.T becomes x @ Wt.
        for key in list(self.w):
            if key.endswith(".weight") and self.w[key].ndim == 2 and "embeddings" not in key:
                self.w[key] = np.ascontiguousarray(self.w[key].T)
        # Fuse Q, K, V into one matmul per layer.
        for i in range(self.layers):
            p = f"encoder.layer.{i}.attention.self."
            self.w[p + "qkv.weight"] = np.concatenate([self.w[p + n + ".weight"] for n in ("query", "key", "value")], 1)
            self.w[p + "qkv.bias"] = np.concatenate([self.w[p + n + ".bias"] for n in ("query", "key", "value")])

    def _hidden(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        w = self.w
        n, length = ids.shape
        x = (w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:length][None]
             + w["embeddings.token_type_embeddings.weight"][0])
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], self.eps)
        h, d = self.heads, self.dim // self.heads
        # A single unpadded text (every query) needs no attention mask.
        bias = None if mask.all() else ((1.0 - mask[:, None, None, :]) * -1e9).astype(np.float32)
        scale = np.float32(1.0 / np.sqrt(d))
        # Linear layers on a 2-D (tokens, dim) matrix: one GEMM per weight, not one per text
        # (a 3-D @ 2-D matmul re-reads the weights for every text of the batch).
        x = x.reshape(n * length, self.dim)
        for i in range(self.layers):
            p = f"encoder.layer.{i}."
            qkv = x @ w[p + "attention.self.qkv.weight"] + w[p + "attention.self.qkv.bias"]
            qkv = qkv.reshape(n, length, 3, h, d).transpose(2, 0, 3, 1, 4)
            q, k, v = qkv[0], qkv[1], qkv[2]
            att = (q @ k.transpose(0, 1, 3, 2)) * scale
            if bias is not None:
                att += bias
            att = np.exp(att - att.max(-1, keepdims=True))
            att /= att.sum(-1, keepdims=True)
            ctx = (att @ v).transpose(0, 2, 1, 3).reshape(n * length, self.dim)
            out = ctx @ w[p + "attention.output.dense.weight"] + w[p + "attention.output.dense.bias"]
            x = _layer_norm(out + x, w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"], self.eps)
            mid = _gelu(x @ w[p + "intermediate.dense.weight"] + w[p + "intermediate.dense.bias"])
            out = mid @ w[p + "output.dense.weight"] + w[p + "output.dense.bias"]
            x = _layer_norm(out + x, w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"], self.eps)
        return x.reshape(n, length, self.dim)
