"""A collection: many documents in one searchable index, updated incrementally.

Layout of a collection directory (under the cache, ``collections/<name>``)::

    docs/<key>-<sha12>/      per document: chunks.jsonl, vectors-<model>.npy, vocab.json,
                             vocab-vectors.npy, meta.json (its embeddings, kept for re-use)
    current/                 the merged index the assistant loads (see index.store):
        manifest.json        format, kind "collection", models, index_type, documents
                             (key, title, path, sha256, start, end chunk rows), file checksums
        chunks.jsonl         every chunk, ids prefixed "<key>:"
        vectors-<model>.npy  every chunk's vector, rows in chunk order
        faiss-<model>.index  only for an HNSW index (a flat one is rebuilt from the vectors)
        bm25-passages/, bm25-sentences/, vocab.json, vocab-vectors.npy

Adding or changing a document embeds only that document (its sha256 is in the manifest);
the rest is re-used from ``docs/``. Removing a document drops its chunks. ``current/`` is
written to a temporary sibling and renamed into place, so a failed update leaves the last
good collection loadable.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import faiss
import numpy as np

from .chunking import Chunk, chunk_document
from .embed_chunks import embed_many
from .document import Document
from .embedder import Embedder
from .errors import DocumentError, IndexCorrupt, ReportQAError
from .lexical import Bm25Index
from .loaders import SUPPORTED_SUFFIXES, checksum, load_document, read_bytes
from .store import (HNSW_EF_SEARCH, built_precision, model_records, bm25_text, write_index_dir, LEVELS, SearchIndex, _file_sha, _level_of, choose_index_type,
                    document_vocabulary, make_faiss, read_manifest)

# Documents embedded together: enough paragraphs for full batches, little memory.
EMBED_GROUP_CHUNKS = 2000
COLLECTION_FORMAT = 4  # 2: chunks embedded exactly as in a one-document index; 3: MiniLM sentences pooled from their paragraph (late chunking); 4: documents parsed again (numbered headings, title blocks, PDF layout)
DEFAULT_COLLECTION = "default"


@dataclass
class DocPart:
    """One document ready to merge: its chunks (local ids), vectors per model, vocabulary."""

    key: str
    title: str
    path: str
    sha256: str
    chunks: list[Chunk]
    vectors: dict[str, np.ndarray]
    vocab: list[str]
    vocab_vectors: np.ndarray
    folder: str = ""  # its directory under docs/, when it has one


@dataclass
class UpdateReport:
    """What an update did, for the CLI to print."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, one-line reason)
    embedded_chunks: int = 0
    embed_seconds: float = 0.0
    appended: bool = False  # documents only added to an HNSW collection: its graphs grew, not rebuilt


def collection_dir(cache_dir: Path, name: str = DEFAULT_COLLECTION) -> Path:
    """Where a named collection lives (a path with a slash is taken as the directory itself)."""
    if "/" in str(name) or str(name).startswith("."):
        return Path(name).expanduser()
    return Path(cache_dir) / "collections" / name


def doc_key_for(path: Path, taken: set[str]) -> str:
    """A short readable key for a document (its file stem), unique in the collection."""
    base = re.sub(r"[^a-z0-9]+", "-", Path(path).stem.lower()).strip("-")[:40] or "doc"
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}-{n}"
    return key


def prefixed(chunks: list[Chunk], key: str) -> list[Chunk]:
    """Chunk ids inside a collection: ``<key>:<id>`` (parents too)."""
    out = []
    for c in chunks:
        out.append(Chunk(f"{key}:{c.id}", c.kind, c.text, c.section, c.paragraph, c.start, c.end, c.footnotes,
                         f"{key}:{c.parent}" if c.parent else ""))
    return out


def expand_paths(paths: Iterable[Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Files to index (folders walked recursively, sorted), and (name, reason) for the rest."""
    files: list[Path] = []
    skipped: list[tuple[str, str]] = []
    for p in paths:
        p = Path(p).expanduser()
        if p.is_dir():
            for f in sorted(x for x in p.rglob("*") if x.is_file() and not x.name.startswith(".")):
                if f.suffix.lower() in SUPPORTED_SUFFIXES and f.suffix:
                    files.append(f)
                else:
                    skipped.append((str(f), f"unsupported file type {f.suffix or '(none)'!r}"))
        elif p.is_file():
            if p.suffix.lower() in SUPPORTED_SUFFIXES:
                files.append(p)
            else:
                skipped.append((str(p), f"unsupported file type {p.suffix or '(none)'!r}; use .txt, .md, .html or .pdf"))
        else:
            skipped.append((str(p), "no such file or folder"))
    seen: dict[Path, None] = {}
    for f in files:
        seen.setdefault(f.resolve(), None)
    return list(seen), skipped


def embed_documents(docs: list[list[Chunk]], embedders: dict[str, Embedder], word_model: str, batch_size: int = 512,
                    word_cache: dict[str, np.ndarray] | None = None
                    ) -> list[tuple[dict[str, np.ndarray], list[str], np.ndarray]]:
    """Per document (its chunks, local ids): vectors per model, vocabulary and its vectors.

    Several documents go through the models together (fuller batches); each gets exactly what
    a one-document index embeds, so a question scoped to one document meets the same vectors.
    ``word_cache`` (word -> vector) spares re-embedding words other documents already had.
    """
    vectors = embed_many(docs, embedders, batch_size)
    vocabs = [document_vocabulary(chunks) for chunks in docs]
    wm = embedders[word_model]
    cache = word_cache if word_cache is not None else {}
    new = list(dict.fromkeys(w for vocab in vocabs for w in vocab if w not in cache))
    if new:
        for w, v in zip(new, np.asarray(wm.encode(new), np.float32)):
            cache[w] = v
    return [(vecs, vocab, np.vstack([cache[w] for w in vocab]).astype(np.float32) if vocab
             else np.zeros((0, wm.dim), np.float32)) for vecs, vocab in zip(vectors, vocabs)]


def embed_document(doc: Document, embedders: dict[str, Embedder], word_model: str, batch_size: int = 512,
                   word_cache: dict[str, np.ndarray] | None = None
                   ) -> tuple[list[Chunk], dict[str, np.ndarray], list[str], np.ndarray]:
    """Chunks (local ids), vectors per model, vocabulary and its vectors for one document."""
    chunks = document_chunks(doc)
    [(vectors, vocab, vv)] = embed_documents([chunks], embedders, word_model, batch_size, word_cache)
    return chunks, vectors, vocab, vv


def document_chunks(doc: Document) -> list[Chunk]:
    """A document's chunks; a document with nothing to index is an error naming it."""
    chunks = chunk_document(doc)
    if not chunks:
        raise DocumentError(f"{Path(doc.source).name or doc.title} has no paragraphs to index")
    return chunks


def _write_json(path: Path, data) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def save_part(docs_dir: Path, part: DocPart) -> DocPart:
    """Persist one document's chunks and vectors under ``docs/`` (atomically)."""
    folder = f"{part.key}-{part.sha256[:12]}"
    final = docs_dir / folder
    tmp = docs_dir / f".{folder}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    with open(tmp / "chunks.jsonl", "w", encoding="utf-8") as fh:
        for c in part.chunks:
            fh.write(json.dumps(c.to_json(), ensure_ascii=False) + "\n")
    for k, mat in part.vectors.items():
        np.save(tmp / f"vectors-{k}.npy", mat)
    _write_json(tmp / "vocab.json", part.vocab)
    np.save(tmp / "vocab-vectors.npy", part.vocab_vectors)
    _write_json(tmp / "meta.json", {"key": part.key, "title": part.title, "path": part.path, "sha256": part.sha256,
                                    "chunks": len(part.chunks)})
    shutil.rmtree(final, ignore_errors=True)
    os.replace(tmp, final)
    part.folder = folder
    return part


def load_part(docs_dir: Path, record: dict, models: Iterable[str]) -> DocPart:
    folder = docs_dir / record["folder"]
    try:
        chunks = Chunk.read_jsonl((folder / "chunks.jsonl").read_text(encoding="utf-8"))
        vectors = {k: np.load(folder / f"vectors-{k}.npy") for k in models}
        vocab = json.loads((folder / "vocab.json").read_text(encoding="utf-8"))
        vv = np.load(folder / "vocab-vectors.npy")
    except Exception as exc:
        raise IndexCorrupt(f"the stored chunks of {record['path']} cannot be read ({type(exc).__name__})") from None
    if any(v.shape[0] != len(chunks) for v in vectors.values()):
        raise IndexCorrupt(f"the stored chunks of {record['path']} are inconsistent")
    return DocPart(record["key"], record["title"], record["path"], record["sha256"], chunks, vectors, vocab, vv,
                   record["folder"])


def assemble(directory: Path, parts: list[DocPart], models: dict[str, dict], word_model: str,
             index_type: str = "auto", progress: Callable[[str], None] | None = None,
             grow: dict[str, faiss.Index] | None = None) -> SearchIndex:
    """Merge ``parts`` into ``directory/current`` (atomically) and return the loaded index.

    ``grow``: HNSW graphs over the first rows already (documents were only added): the new rows
    are added to them instead of building new graphs, minutes saved at 100k chunks.
    """
    directory = Path(directory)
    if not parts:
        raise ReportQAError("the collection has no documents; index at least one file")
    chunks: list[Chunk] = []
    documents: list[dict] = []
    texts_for_bm25: list[str] = []
    for part in parts:
        start = len(chunks)
        chunks.extend(prefixed(part.chunks, part.key))
        texts_for_bm25.extend(bm25_text(c) for c in part.chunks)
        documents.append({"key": part.key, "title": part.title, "path": part.path, "sha256": part.sha256,
                          "start": start, "end": len(chunks), "folder": part.folder})
    vectors = {k: np.ascontiguousarray(np.vstack([p.vectors[k] for p in parts]), dtype=np.float32) for k in models}
    vocab_rows: dict[str, np.ndarray] = {}
    for p in parts:
        for w, v in zip(p.vocab, p.vocab_vectors):
            vocab_rows.setdefault(w, v)
    vocab = sorted(vocab_rows)
    dim = parts[0].vocab_vectors.shape[1] if parts[0].vocab_vectors.ndim == 2 else models[word_model]["dim"]
    vocab_vectors = np.vstack([vocab_rows[w] for w in vocab]).astype(np.float32) if vocab else np.zeros((0, dim), np.float32)
    level_rows = {lv: np.array([i for i, c in enumerate(chunks) if _level_of(c) == lv], dtype=np.int64)
                  for lv in LEVELS}
    if progress:
        progress("bm25")
    bm25 = {lv: Bm25Index().fit([texts_for_bm25[i] for i in rows]) for lv, rows in level_rows.items()}
    kind = choose_index_type(len(chunks), index_type)
    if progress:
        progress(f"faiss {kind}")
    if (grow is not None and kind == "hnsw" and set(grow) == set(vectors)
            and all(grow[k].ntotal <= len(m) for k, m in vectors.items())):
        indexes = {}
        for k, m in vectors.items():
            ix = grow[k]
            ix.add(np.ascontiguousarray(m[ix.ntotal:]))
            ix.hnsw.efSearch = HNSW_EF_SEARCH
            indexes[k] = ix
    else:
        indexes = {k: make_faiss(m, kind) for k, m in vectors.items()}

    manifest = write_index_dir(directory / "current", chunks, vectors, indexes, bm25, level_rows, vocab,
                               vocab_vectors, {
                                   "kind": "collection",
                                   "collection_format": COLLECTION_FORMAT,
                                   "document": {"title": f"{len(documents)} documents", "source": str(directory),
                                                "sha256": ""},
                                   "documents": documents,
                                   "models": models,
                                   "index_type": kind,
                                   "word_model": word_model,
                               }, faiss_keys=[] if kind == "flat-ip" else None)
    index = SearchIndex(chunks, vectors, indexes, bm25, level_rows, manifest, vocab, vocab_vectors,
                        documents, _doc_of_row(documents, len(chunks)))
    return index


def _doc_of_row(documents: list[dict], n: int) -> np.ndarray:
    out = np.zeros(n, dtype=np.int32)
    for i, d in enumerate(documents):
        out[d["start"]:d["end"]] = i
    return out


def read_collection_manifest(directory: Path) -> dict | None:
    """The manifest of a collection, or None when there is none yet."""
    current = Path(directory) / "current"
    if not (current / "manifest.json").exists():
        return None
    manifest = read_manifest(current)
    if manifest.get("kind") != "collection":
        raise IndexCorrupt(f"{current} is not a collection index")
    return manifest


def update_collection(directory: Path, paths: Iterable[Path], embedders: dict[str, Embedder], *,
                      remove: Iterable[str] = (), prune: bool = False, index_type: str = "auto",
                      progress: Callable[[str, int, int], None] | None = None,
                      word_model: str | None = None, precision: str | None = None) -> tuple[SearchIndex | None, UpdateReport]:
    """Add/refresh the documents at ``paths`` (files or folders), drop ``remove`` (keys or paths).

    Only new or changed documents are embedded, unless the collection was embedded with other
    models or (when ``precision`` is given) in another indexing precision: then all of them. ``prune`` also drops documents whose file is
    gone. Unsupported or unreadable files are listed in the report and skipped.
    """
    directory = Path(directory)
    docs_dir = directory / "docs"
    docs_dir.mkdir(parents=True, exist_ok=True)
    report = UpdateReport()
    manifest = read_collection_manifest(directory)
    want_models = {k: e.name for k, e in embedders.items()}
    records: list[dict] = list(manifest["documents"]) if manifest else []
    restale = False  # the stored vectors no longer fit: every kept document is embedded again
    if manifest:
        have = {k: v.get("name") for k, v in manifest["models"].items()}
        if (have != want_models or manifest.get("collection_format") != COLLECTION_FORMAT
                or (precision and built_precision(manifest) != precision)):
            # Another model set, precision or embedding scheme: every document is embedded again
            # from its file (reported as changed); one whose file is gone cannot be, and is dropped.
            restale, records = True, []
            for rec in manifest["documents"]:
                if Path(rec["path"]).is_file():
                    records.append({**rec, "sha256": ""})
                else:
                    report.removed.append(rec["path"])
    word_model = word_model if word_model in embedders else (
        manifest.get("word_model") if manifest and manifest.get("word_model") in embedders else list(embedders)[-1])

    removing = {str(r) for r in remove}
    removing |= {str(Path(r).expanduser().resolve()) for r in remove if not str(r).startswith(":")}
    kept = []
    for rec in records:
        gone = prune and not Path(rec["path"]).exists()
        if rec["key"] in removing or rec["path"] in removing or gone:
            report.removed.append(rec["path"])
        else:
            kept.append(rec)
    records = kept
    reembed = [Path(rec["path"]) for rec in records] if restale else []

    files, skipped = expand_paths([*reembed, *paths])
    report.skipped.extend(skipped)
    by_path = {rec["path"]: i for i, rec in enumerate(records)}
    taken = {rec["key"] for rec in records}
    parts: dict[str, DocPart] = {}
    total_files = len(files)
    word_cache: dict[str, np.ndarray] = {}
    for rec in [] if restale else records[:50]:  # words already embedded for documents in the collection
        try:
            folder = docs_dir / rec["folder"]
            ws = json.loads((folder / "vocab.json").read_text(encoding="utf-8"))
            word_cache.update(zip(ws, np.load(folder / "vocab-vectors.npy")))
        except (OSError, ValueError, KeyError):
            pass
    pending: list[tuple] = []  # (path, record index or None, key, doc, sha, chunks), embedded together

    done = 0  # files whose work is over: the bar shows embedding, not just reading

    def flush() -> None:
        nonlocal done
        if not pending:
            return
        if progress:
            progress(f"embedding {len(pending)} documents", done, total_files)
        t0 = time.perf_counter()
        embedded = embed_documents([p[-1] for p in pending], embedders, word_model, word_cache=word_cache)
        report.embed_seconds += time.perf_counter() - t0
        for (spath, i, key, doc, sha, chunks), (vectors, vocab, vv) in zip(pending, embedded):
            report.embedded_chunks += len(chunks)
            part = save_part(docs_dir, DocPart(key, doc.title, spath, sha, chunks, vectors, vocab, vv))
            parts[key] = part
            rec = {"key": key, "title": doc.title, "path": spath, "sha256": sha, "folder": part.folder}
            if i is not None:
                records[i] = rec
                report.changed.append(spath)
            else:
                by_path[spath] = len(records)
                records.append(rec)
                report.added.append(spath)
        done += len(pending)
        if progress:
            progress(Path(pending[-1][0]).name, done, total_files)
        pending.clear()

    for f in files:
        spath = str(f)
        if progress:
            progress(f.name, done, total_files)
        try:
            sha = checksum(read_bytes(f))
            i = by_path.get(spath)
            if i is not None and records[i]["sha256"] == sha and (docs_dir / records[i].get("folder", "")).is_dir():
                report.unchanged.append(spath)
                done += 1
                continue
            doc, sha = load_document(f)
            chunks = document_chunks(doc)
        except DocumentError as exc:
            report.skipped.append((spath, str(exc)))
            done += 1
            continue
        key = records[i]["key"] if i is not None else doc_key_for(f, taken)
        taken.add(key)
        pending.append((spath, i, key, doc, sha, chunks))
        if sum(len(p[-1]) for p in pending) >= EMBED_GROUP_CHUNKS:
            flush()
    flush()
    if restale:  # a document that failed to embed again keeps no vectors of the old kind
        report.removed.extend(r["path"] for r in records if not r["sha256"])
        records = [r for r in records if r["sha256"]]

    if not records:
        return None, report
    def ident(recs):
        return [(r["key"], r["path"], r["sha256"]) for r in recs]

    if (manifest and not (report.added or report.changed or report.removed)
            and ident(records) == ident(manifest["documents"])
            and manifest.get("index_type") == choose_index_type(manifest["chunks"], index_type)):
        return load_collection(directory), report
    models = model_records(embedders, precision)
    full = [parts.get(rec["key"]) or load_part(docs_dir, rec, embedders) for rec in records]
    grow = _growable(directory, manifest, records, report, index_type, sum(len(p.chunks) for p in full))
    index = assemble(directory, full, models, word_model, index_type,
                     progress=(lambda msg: progress(msg, 0, 0)) if progress else None, grow=grow)
    report.appended = grow is not None
    used = {rec["folder"] for rec in records}
    for d in docs_dir.iterdir():
        if d.is_dir() and d.name not in used and not d.name.startswith("."):
            shutil.rmtree(d, ignore_errors=True)
    return index, report


def _growable(directory: Path, manifest: dict | None, records: list[dict], report: UpdateReport,
              index_type: str, total_chunks: int) -> dict[str, faiss.Index] | None:
    """The current HNSW graphs, when this update only appends documents to an HNSW collection
    (nothing changed or removed, the old documents first and in order); None otherwise."""
    if (not manifest or manifest.get("index_type") != "hnsw" or report.changed or report.removed
            or not report.added or choose_index_type(total_chunks, index_type) != "hnsw"):
        return None
    old = [(d["key"], d["path"], d["sha256"]) for d in manifest["documents"]]
    if [(r["key"], r["path"], r["sha256"]) for r in records[:len(old)]] != old:
        return None
    current = Path(directory) / "current"
    graphs = {}
    for k in manifest["models"]:
        rel = f"faiss-{k}.index"
        path = current / rel
        # Only a graph that is exactly the one the manifest recorded is grown; anything else is rebuilt.
        if manifest["files"].get(rel) is None or not path.is_file() or _file_sha(path) != manifest["files"][rel]:
            return None
        try:
            ix = faiss.read_index(str(path))
        except RuntimeError:
            return None
        if ix.ntotal != manifest["chunks"]:
            return None
        graphs[k] = ix
    return graphs


def load_collection(directory: Path, expect_models: dict[str, str] | None = None,
                    verify: bool = True) -> SearchIndex:
    """Load a collection's merged index; :class:`IndexCorrupt` with a one-line reason otherwise."""
    directory = Path(directory)
    current = directory / "current"
    manifest = read_collection_manifest(directory)
    if manifest is None:
        raise IndexCorrupt(f"no collection at {directory}: run `reportqa index PATH...` first")
    if expect_models is not None:
        have = {k: v.get("name") for k, v in manifest.get("models", {}).items()}
        if have != expect_models:
            raise IndexCorrupt(f"the collection at {directory} was built with models {have}, not {expect_models}")
    if verify:
        for rel, sha in manifest["files"].items():
            path = current / rel
            if not path.is_file():
                raise IndexCorrupt(f"index file missing: {path}")
            if _file_sha(path) != sha:
                raise IndexCorrupt(f"index file changed or truncated since it was built: {path}")
    kind = manifest.get("index_type", "flat-ip")
    try:
        chunks = Chunk.read_jsonl((current / "chunks.jsonl").read_text(encoding="utf-8"))
        vectors = {k: np.load(current / f"vectors-{k}.npy") for k in manifest["models"]}
        if kind == "flat-ip":
            indexes = {k: make_faiss(v, kind) for k, v in vectors.items()}
        else:
            indexes = {k: faiss.read_index(str(current / f"faiss-{k}.index")) for k in manifest["models"]}
            for ix in indexes.values():
                ix.hnsw.efSearch = HNSW_EF_SEARCH
        level_rows = {lv: np.array([i for i, c in enumerate(chunks) if _level_of(c) == lv], dtype=np.int64)
                      for lv in LEVELS}
        bm25 = {lv: Bm25Index.load(current / f"bm25-{lv}", len(level_rows[lv])) for lv in LEVELS}
        vocab = json.loads((current / "vocab.json").read_text(encoding="utf-8"))
        vocab_vectors = np.load(current / "vocab-vectors.npy")
    except Exception as exc:
        raise IndexCorrupt(f"the collection at {directory} cannot be read ({type(exc).__name__}); re-index it") from None
    if len(chunks) != manifest.get("chunks") or any(v.shape[0] != len(chunks) for v in vectors.values()):
        raise IndexCorrupt(f"the collection at {directory} is inconsistent; re-index it")
    documents = manifest["documents"]
    return SearchIndex(chunks, vectors, indexes, bm25, level_rows, manifest, vocab, vocab_vectors,
                       documents, _doc_of_row(documents, len(chunks)))
