"""The searchable index: chunks + dense vectors (FAISS) + BM25, persisted with a manifest.

Layout of an index directory::

    manifest.json        format version, document checksum, models, file checksums
    chunks.jsonl         one Chunk per line
    vectors-<key>.npy    normalised embeddings of every chunk, one file per model
    faiss-<key>.index    inner-product FAISS index over those vectors
    bm25-passages/       BM25 over paragraphs and footnotes
    bm25-sentences/      BM25 over sentences

A build writes into a temporary sibling directory and renames it into place, so a failed
build never destroys the index that was there.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import faiss
import numpy as np

from .chunking import Chunk, chunk_document
from .document import Document
from .embed_chunks import embed_chunks
from .embedder import Embedder
from .errors import IndexCorrupt, ReportQAError
from .lexical import Bm25Index
from .tokens import STOPWORDS, words

FORMAT_VERSION = 6  # 4: MiniLM sentence vectors pooled from their paragraph's pass; 5: documents parsed again (numbered headings, title blocks, PDF layout); 6: a numbered list above Markdown notes stays in the body
LEVELS = ("passages", "sentences")


def _level_of(chunk: Chunk) -> str:
    return "passages" if chunk.is_passage else "sentences"


def bm25_text(chunk: Chunk) -> str:
    """What BM25 indexes: a paragraph with its heading path; sentences and footnotes as they are."""
    if chunk.kind == "paragraph":
        return f"{' '.join(chunk.section)} {chunk.text}"
    return chunk.text


def _file_sha(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@dataclass
class SearchIndex:
    """Everything retrieval needs, in memory."""

    chunks: list[Chunk]
    vectors: dict[str, np.ndarray]  # embedder key -> (n_chunks, dim)
    faiss: dict[str, faiss.Index]
    bm25: dict[str, Bm25Index]  # level -> BM25 over that level's chunks
    level_rows: dict[str, np.ndarray]  # level -> chunk rows in BM25 order
    manifest: dict
    vocab: list[str]  # the document's distinct content words (folded)
    vocab_vectors: np.ndarray  # their embeddings by the word model, for synonym checks
    # A collection: one record per document (key, title, path, sha256, start, end) and, per
    # chunk row, the position of its document in that list. Empty for a one-document index.
    documents: list[dict] = field(default_factory=list)
    doc_of_row: np.ndarray | None = None

    def __post_init__(self) -> None:
        self.by_id = {c.id: i for i, c in enumerate(self.chunks)}
        self.vocab_row = {w: i for i, w in enumerate(self.vocab)}
        self.children: dict[str, list[int]] = {}
        self._doc_bm25: dict[tuple[int, str], Bm25Index] = {}
        for i, c in enumerate(self.chunks):
            if c.parent:
                self.children.setdefault(c.parent, []).append(i)

    def dense_scores(self, key: str, query_vec: np.ndarray) -> np.ndarray:
        """Cosine similarity of the query to every chunk (exact; the corpus is one document)."""
        return self.vectors[key] @ query_vec.astype(np.float32)

    def bm25_scores(self, query: str, doc: int | None = None) -> np.ndarray:
        """BM25 score of every chunk, each level scored against its own corpus.

        ``doc`` (a collection's document position) scores that document's chunks against the
        document alone (zeros elsewhere): the same scores as its one-document index, so term
        weights are not diluted by thousands of other documents.
        """
        out = np.zeros(len(self.chunks), dtype=np.float32)
        if doc is not None and self.documents:
            d = self.documents[doc]
            for level, rows in self.level_rows.items():
                bm25 = self.bm25[level]
                # The document's rows of a level are one run of it (rows ascend).
                a, b = int(np.searchsorted(rows, d["start"])), int(np.searchsorted(rows, d["end"]))
                if bm25.scores_runs:
                    out[rows[a:b]] = bm25.scores_within(query, a, b)
                else:  # a collection saved before term counts were kept
                    out[rows[a:b]] = self._document_bm25(doc, level, rows[a:b]).scores(query)
            return out
        for level, rows in self.level_rows.items():
            out[rows] = self.bm25[level].scores(query)
        return out

    def _document_bm25(self, doc: int, level: str, rows: np.ndarray) -> Bm25Index:
        """One document's BM25 of a level fitted on first use (a few ms) and kept."""
        cache = self._doc_bm25
        found = cache.get((doc, level))
        if found is None:
            found = Bm25Index().fit([bm25_text(self.chunks[i]) for i in rows])
            if len(cache) >= 512:
                cache.pop(next(iter(cache)))
            cache[(doc, level)] = found
        return found


FLAT_LIMIT = 50_000  # vectors; above this an HNSW graph answers queries (see choose_index_type)
# Tuned on 210k composed paragraph vectors (eval/bench_scale.py, part 2): M=48 reaches recall@10
# ~0.97 at efSearch 200-300 for ~2 ms a query, where M=32 stays near 0.90-0.95.
HNSW_M = 48
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 256


def choose_index_type(n_vectors: int, requested: str = "auto") -> str:
    """``flat-ip`` (exact) under :data:`FLAT_LIMIT` vectors, ``hnsw`` (approximate) above."""
    if requested in ("flat-ip", "hnsw"):
        return requested
    return "flat-ip" if n_vectors < FLAT_LIMIT else "hnsw"


def make_faiss(mat: np.ndarray, index_type: str) -> faiss.Index:
    """An inner-product FAISS index of ``index_type`` over the rows of ``mat``."""
    mat = np.ascontiguousarray(mat, dtype=np.float32)
    if index_type == "hnsw":
        ix = faiss.IndexHNSWFlat(mat.shape[1], HNSW_M, faiss.METRIC_INNER_PRODUCT)
        ix.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        ix.hnsw.efSearch = HNSW_EF_SEARCH
    else:
        ix = faiss.IndexFlatIP(mat.shape[1])
    ix.add(mat)
    return ix


def document_vocabulary(chunks: list[Chunk]) -> list[str]:
    """Distinct folded content words of the body and footnotes, for word-level synonym checks."""
    seen: dict[str, None] = {}
    for c in chunks:
        if c.kind == "sentence":
            continue
        for w in words(" ".join(c.section) + " " + c.text):
            if len(w) > 2 and w not in STOPWORDS and not w[0].isdigit():
                seen.setdefault(w, None)
    return sorted(seen)


def build_index(doc: Document, doc_sha: str, embedders: dict[str, Embedder], directory: Path,
                progress: Callable[[str], None] | None = None, batch_size: int = 512,
                word_model: str | None = None, precision: str | None = None) -> SearchIndex:
    """Chunk, embed and persist ``doc`` into ``directory`` atomically; returns the loaded index.

    ``word_model`` (an embedder key, default the last one) also embeds the document's words.
    ``precision``: the indexing precision the embedders were loaded with, recorded per model in
    the manifest so that asking for another one re-embeds (:func:`load_index`'s ``expect_precision``).
    """
    directory = Path(directory)
    chunks = chunk_document(doc)
    if not chunks:
        raise ReportQAError("the document has no paragraphs to index")
    word_model = word_model if word_model in embedders else list(embedders)[-1]
    vocab = document_vocabulary(chunks)
    vocab_vectors = embedders[word_model].encode(vocab) if vocab else np.zeros((0, embedders[word_model].dim), np.float32)
    vectors = embed_chunks(chunks, embedders, batch_size, progress)

    level_rows = {lv: np.array([i for i, c in enumerate(chunks) if _level_of(c) == lv], dtype=np.int64)
                  for lv in LEVELS}
    bm25 = {lv: Bm25Index().fit([bm25_text(chunks[i]) for i in rows]) for lv, rows in level_rows.items()}
    indexes = {}
    for key, mat in vectors.items():
        ix = faiss.IndexFlatIP(mat.shape[1])
        ix.add(mat)
        indexes[key] = ix

    manifest = write_index_dir(directory, chunks, vectors, indexes, bm25, level_rows, vocab, vocab_vectors, {
        "document": {"title": doc.title, "source": doc.source, "sha256": doc_sha},
        "models": model_records(embedders, precision),
        "index_type": "flat-ip",
        "word_model": word_model,
    })
    return SearchIndex(chunks, vectors, indexes, bm25, level_rows, manifest, vocab, vocab_vectors)


def model_records(embedders: dict[str, Embedder], precision: str | None = None) -> dict[str, dict]:
    """The manifest's ``models``: each key's model name, dimension and (when known) the
    precision its indexing passes ran in."""
    return {k: {"name": e.name, "dim": int(e.dim), **({"precision": precision} if precision else {})}
            for k, e in embedders.items()}


def built_precision(manifest: dict) -> str | None:
    """The one indexing precision recorded for every model, None if absent or mixed."""
    found = {m.get("precision") for m in manifest.get("models", {}).values()}
    return found.pop() if len(found) == 1 else None


def write_index_dir(directory: Path, chunks: list[Chunk], vectors: dict[str, np.ndarray], indexes: dict,
                    bm25: dict[str, Bm25Index], level_rows: dict[str, np.ndarray], vocab: list[str],
                    vocab_vectors: np.ndarray, fields: dict, faiss_keys: Iterable[str] | None = None) -> dict:
    """Write an index directory atomically and return its manifest.

    Files go into a temporary sibling, the manifest records a checksum for each, and the
    directory is renamed into place; if that fails, the previous index is put back. Any write
    error (disk full, read-only) becomes one :class:`ReportQAError` naming the directory.
    ``faiss_keys`` limits which FAISS indexes are written (a flat index is rebuilt from the
    vectors at load).
    """
    directory = Path(directory)
    tmp = directory.with_name(f".{directory.name}.tmp-{os.getpid()}")
    old = directory.with_name(f".{directory.name}.old-{os.getpid()}")
    keys = set(indexes if faiss_keys is None else faiss_keys)
    try:
        directory.parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        with open(tmp / "chunks.jsonl", "w", encoding="utf-8") as fh:
            for c in chunks:
                fh.write(json.dumps(c.to_json(), ensure_ascii=False) + "\n")
        for key, mat in vectors.items():
            np.save(tmp / f"vectors-{key}.npy", mat)
            if key in keys:
                # serialised here so that a failed write (disk full) is an OSError with its reason
                (tmp / f"faiss-{key}.index").write_bytes(faiss.serialize_index(indexes[key]).tobytes())
        for lv, b in bm25.items():
            b.save(tmp / f"bm25-{lv}")
        (tmp / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
        np.save(tmp / "vocab-vectors.npy", np.asarray(vocab_vectors, dtype=np.float32))
        files = {str(p.relative_to(tmp)): _file_sha(p) for p in sorted(tmp.rglob("*")) if p.is_file()}
        manifest = {
            "format_version": FORMAT_VERSION,
            **fields,
            "chunks": len(chunks),
            "levels": {lv: int(len(r)) for lv, r in level_rows.items()},
            "files": files,
            "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
        if directory.exists():
            os.replace(directory, old)
        os.replace(tmp, directory)
        shutil.rmtree(old, ignore_errors=True)
    except (OSError, RuntimeError) as exc:  # faiss reports a failed write (disk full) as RuntimeError
        shutil.rmtree(tmp, ignore_errors=True)
        if old.exists() and not directory.exists():  # put the previous index back
            os.replace(old, directory)
        reason = getattr(exc, "strerror", None) or (str(exc).strip().splitlines() or [type(exc).__name__])[-1][:160]
        raise ReportQAError(f"could not write the index to {directory}: {reason}") from None
    return manifest


def read_manifest(directory: Path) -> dict:
    """The manifest of an index directory, or :class:`IndexCorrupt` saying what is wrong."""
    path = Path(directory) / "manifest.json"
    if not path.exists():
        raise IndexCorrupt(f"no index at {directory} (manifest.json missing)")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        assert isinstance(manifest, dict) and isinstance(manifest.get("files"), dict)
    except (OSError, ValueError, AssertionError):
        raise IndexCorrupt(f"the index manifest at {path} is unreadable or was edited") from None
    if manifest.get("format_version") != FORMAT_VERSION:
        raise IndexCorrupt(f"the index at {directory} has format {manifest.get('format_version')}, "
                           f"expected {FORMAT_VERSION}")
    return manifest


def load_index(directory: Path, expect_sha: str | None = None,
               expect_models: dict[str, str] | None = None, expect_precision: str | None = None) -> SearchIndex:
    """Load and verify an index; raises :class:`IndexCorrupt` with a one-line reason."""
    directory = Path(directory)
    manifest = read_manifest(directory)
    if expect_sha and manifest.get("document", {}).get("sha256") != expect_sha:
        raise IndexCorrupt(f"the index at {directory} was built from another version of the document")
    if expect_models is not None:
        have = {k: v.get("name") for k, v in manifest.get("models", {}).items()}
        if have != expect_models:
            raise IndexCorrupt(f"the index at {directory} was built with models {have}, not {expect_models}")
    if expect_precision and built_precision(manifest) != expect_precision:
        raise IndexCorrupt(f"the index at {directory} was embedded in {built_precision(manifest) or 'an unrecorded precision'}, "
                           f"not {expect_precision}")
    for rel, sha in manifest["files"].items():
        path = directory / rel
        if not path.is_file():
            raise IndexCorrupt(f"index file missing: {path}")
        try:
            actual = _file_sha(path)
        except OSError as exc:
            raise IndexCorrupt(f"index file unreadable ({exc.strerror or exc}): {path}") from None
        if actual != sha:
            raise IndexCorrupt(f"index file changed or truncated since it was built: {path}")
    try:
        chunks = Chunk.read_jsonl((directory / "chunks.jsonl").read_text(encoding="utf-8"))
        vectors = {k: np.load(directory / f"vectors-{k}.npy") for k in manifest["models"]}
        indexes = {k: faiss.read_index(str(directory / f"faiss-{k}.index")) for k in manifest["models"]}
        level_rows = {lv: np.array([i for i, c in enumerate(chunks) if _level_of(c) == lv], dtype=np.int64)
                      for lv in LEVELS}
        bm25 = {lv: Bm25Index.load(directory / f"bm25-{lv}", len(level_rows[lv])) for lv in LEVELS}
        vocab = json.loads((directory / "vocab.json").read_text(encoding="utf-8"))
        vocab_vectors = np.load(directory / "vocab-vectors.npy")
    except Exception as exc:  # any decoding failure means the same thing to the user
        raise IndexCorrupt(f"the index at {directory} cannot be read ({type(exc).__name__}); rebuild it") from None
    if len(chunks) != manifest.get("chunks") or any(v.shape[0] != len(chunks) for v in vectors.values()):
        raise IndexCorrupt(f"the index at {directory} is inconsistent; rebuild it")
    if len(vocab) != vocab_vectors.shape[0]:
        raise IndexCorrupt(f"the index at {directory} is inconsistent; rebuild it")
    return SearchIndex(chunks, vectors, indexes, bm25, level_rows, manifest, vocab, vocab_vectors)
