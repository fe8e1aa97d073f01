"""all-MiniLM-L6-v2 forward pass in NumPy, from the packaged safetensors weights.

Why by hand: importing torch + sentence-transformers costs ~5 s of every cold start and
~15 ms per single query on one core; this BERT-6 forward is ~80 lines, gives the same vectors
(cosine > 0.9999 to sentence-transformers, checked in tests) and loads in a fraction of a second.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

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


class NumpyBert:
    """A BERT encoder with mean pooling, as sentence-transformers runs all-MiniLM-L6-v2."""

    def __init__(self, model_dir: Path, max_length: int = 256) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        model_dir = Path(model_dir)
        cfg = json.loads((model_dir / "config.json").read_text())
        self.heads = int(cfg["num_attention_heads"])
        self.layers = int(cfg["num_hidden_layers"])
        self.eps = float(cfg.get("layer_norm_eps", 1e-12))
        self.dim = int(cfg["hidden_size"])
        w = load_file(str(model_dir / "model.safetensors"))
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
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length)
        self.tokenizer.no_padding()

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
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
        x = x.reshape(n, length, self.dim)
        m = mask[:, :, None]
        pooled = (x * m).sum(1) / np.maximum(m.sum(1), 1e-9)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """L2-normalised sentence vectors; batches are built from texts of similar length."""
        encs = self.tokenizer.encode_batch([t if t.strip() else " " for t in texts])
        order = sorted(range(len(encs)), key=lambda i: len(encs[i].ids))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            rows = order[start:start + batch_size]
            length = max(len(encs[i].ids) for i in rows)
            ids = np.zeros((len(rows), length), dtype=np.int64)
            mask = np.zeros((len(rows), length), dtype=np.float32)
            for j, i in enumerate(rows):
                ids[j, :len(encs[i].ids)] = encs[i].ids
                mask[j, :len(encs[i].ids)] = 1.0
            out[rows] = self._forward(ids, mask)
        return out
