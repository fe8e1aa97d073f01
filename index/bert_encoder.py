"""What every engine of a BERT sentence encoder shares: tokenising, length-sorted batching,
mean pooling, and pooling over character spans of a text ("late chunking").

An engine (NumPy, ONNX Runtime) only supplies ``_hidden(ids, mask) -> (n, length, dim)``, the
last layer's token states; pooling happens here, so every engine gives the same vectors.

Why spans: a paragraph's sentences are embedded from one pass over the whole paragraph, each
sentence vector the mean of its own tokens' states. That reads every token once instead of twice
(paragraph, then sentences), and each sentence's tokens have seen the paragraph, so "he" in the
third sentence already knows who he is.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np


class BertEncoder:
    """Tokenizer + pooling around an engine's forward pass."""

    workers = 1  # batches an engine runs side by side

    def __init__(self, model_dir: Path, max_length: int = 256, span_max_length: int = 512) -> None:
        from tokenizers import Tokenizer

        self.model_dir = Path(model_dir)
        self.config = json.loads((self.model_dir / "config.json").read_text())
        self.dim = int(self.config["hidden_size"])
        self.max_length = max_length
        # Position embeddings allow 512 tokens; a paragraph read for its sentences may use them all.
        self.span_max_length = min(span_max_length, int(self.config.get("max_position_embeddings", 512)))
        # One tokenizer per truncation length: setting it per call would race between threads.
        self.tokenizer = Tokenizer.from_file(str(self.model_dir / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(self.max_length)
        self._span_tokenizer = Tokenizer.from_str(self.tokenizer.to_str())
        self._span_tokenizer.enable_truncation(self.span_max_length)

    def _hidden(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _span_hidden(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """The forward pass for paragraphs read for their spans (an engine may run a cheaper one)."""
        return self._hidden(ids, mask)

    @staticmethod
    def _tokenize(tokenizer, texts: list[str]) -> list:
        return tokenizer.encode_batch([t if t.strip() else " " for t in texts])

    def _batches(self, encs: list, batch_size: int):
        """(rows, ids, mask) for batches of texts of similar length (little padding); at least
        one batch per worker when there are enough texts."""
        batch_size = max(1, min(batch_size, -(-len(encs) // self.workers)))
        order = sorted(range(len(encs)), key=lambda i: len(encs[i].ids))
        for start in range(0, len(order), batch_size):
            rows = order[start:start + batch_size]
            length = max(len(encs[i].ids) for i in rows)
            ids = np.zeros((len(rows), length), dtype=np.int64)
            mask = np.zeros((len(rows), length), dtype=np.float32)
            for j, i in enumerate(rows):
                ids[j, :len(encs[i].ids)] = encs[i].ids
                mask[j, :len(encs[i].ids)] = 1.0
            yield rows, ids, mask

    @staticmethod
    def _pool(states: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """Normalised weighted means of token states: (n, length, dim), (n, length) -> (n, dim)."""
        pooled = np.einsum("nld,nl->nd", states, weights) / np.maximum(weights.sum(1, keepdims=True), 1e-9)
        return (pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)).astype(np.float32)

    def _map(self, forward, batches):
        """(rows, ids, mask, states) per batch; an engine may run batches side by side."""
        for rows, ids, mask in batches:
            yield rows, ids, mask, forward(ids, mask)

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """L2-normalised mean-pooled vectors, one per text."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        encs = self._tokenize(self.tokenizer, texts)
        for rows, _, mask, states in self._map(self._hidden, self._batches(encs, batch_size)):
            out[rows] = self._pool(states, mask)
        return out

    def encode_spans(self, texts: list[str], spans: list[list[tuple[tuple[int, int], ...]]],
                     batch_size: int = 1) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Per text, the whole text's vector then one vector per span, from one pass.

        A span is one or more character ranges ``(start, end)`` of the text; its vector pools the
        tokens that start inside any of them. Returns (vectors, covered): ``vectors[i]`` has
        ``1 + len(spans[i])`` rows; ``covered[i][k]`` is False when span k's last range lies past
        the tokens read (its row is then zeros: embed it alone).
        """
        encs = self._tokenize(self._span_tokenizer, texts)
        vectors: list[np.ndarray] = [np.zeros((0, self.dim), np.float32)] * len(texts)
        covered: list[np.ndarray] = [np.zeros(0, bool)] * len(texts)
        for rows, ids, mask, states in self._map(self._span_hidden, self._batches(encs, batch_size)):
            whole = self._pool(states, mask)
            for j, i in enumerate(rows):
                enc, n = encs[i], len(encs[i].ids)
                starts = np.array([s for s, _ in enc.offsets], dtype=np.int64)
                content = np.array(enc.special_tokens_mask, dtype=bool) == 0
                weights = np.zeros((len(spans[i]), states.shape[1]), np.float32)
                # Past truncation a sentence would be pooled from its first tokens only: not covered.
                ends = np.array([e for _, e in enc.offsets], dtype=np.int64)
                read_to = int(ends[content].max()) if enc.overflowing and content.any() else len(texts[i])
                ok = np.zeros(len(spans[i]), bool)
                for k, ranges in enumerate(spans[i]):
                    for a, b in ranges:
                        weights[k, :n] += content & (starts >= a) & (starts < b)
                    ok[k] = bool(ranges) and max(b for _, b in ranges) <= read_to
                ok &= weights.sum(1) > 0
                pooled = self._pool(np.broadcast_to(states[j], (len(spans[i]), *states.shape[1:])), weights) \
                    if len(spans[i]) else np.zeros((0, self.dim), np.float32)
                pooled[~ok] = 0.0
                vectors[i] = np.vstack([whole[j:j + 1], pooled])
                covered[i] = ok
        return vectors, covered
