"""Many documents: index files and folders into a named collection, list what it holds.

The public face of :mod:`index.collection` for ui/ and eval/ (they call qa/ only)::

    from qa import Config, index_documents
    summary = index_documents(Config(collection="reports"), ["reports/"])
    Assistant(Config(collection="reports")).ask("...")
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from index.collection import (DEFAULT_COLLECTION, UpdateReport, collection_dir, read_collection_manifest,
                              update_collection)

from .assistant import load_embedders
from .config import Config


@dataclass
class IndexSummary:
    """What ``index_documents`` did and what the collection now holds."""

    name: str
    directory: Path
    documents: int  # in the collection after the update (0: it is empty now)
    chunks: int
    index_type: str  # "flat-ip" or "hnsw", as recorded in the manifest
    models: tuple[str, ...]
    report: UpdateReport  # added / changed / unchanged / removed / skipped, embedded chunks and seconds

    @property
    def chunks_per_second(self) -> float:
        """Embedding throughput of this update (0 when nothing was embedded)."""
        r = self.report
        return r.embedded_chunks / r.embed_seconds if r.embed_seconds else 0.0


def _name(config: Config) -> str:
    return config.collection or DEFAULT_COLLECTION


def index_documents(config: Config, paths: Iterable[str | Path], *, remove: Iterable[str] = (), prune: bool = False,
                    index_type: str = "auto", progress: Callable[[str, int, int], None] | None = None) -> IndexSummary:
    """Add or refresh ``paths`` (files and folders) in ``config.collection`` (default "default"),
    drop ``remove`` (keys or paths) and, with ``prune``, documents whose files are gone.

    Embeds with ``config.embedders`` in their batch engines (``config.ingest_threads`` each);
    only new or changed documents are embedded. Unreadable or unsupported files are listed in
    ``report.skipped`` and the rest is indexed.
    """
    name = _name(config)
    directory = collection_dir(config.cache_dir, name)
    index, report = update_collection(directory, [Path(p) for p in paths], load_embedders(config, ingest=True),
                                      remove=remove, prune=prune, index_type=index_type, progress=progress,
                                      precision=config.ingest_precision)
    if index is None:
        return IndexSummary(name, directory, 0, 0, "", tuple(config.embedders), report)
    m = index.manifest
    return IndexSummary(name, directory, len(m["documents"]), int(m["chunks"]), m["index_type"],
                        tuple(m["models"]), report)


def collection_documents(config: Config) -> list[dict] | None:
    """The documents of ``config.collection`` (key, title, path, chunks), None when it does not exist."""
    manifest = read_collection_manifest(collection_dir(config.cache_dir, _name(config)))
    if manifest is None:
        return None
    return [{"key": d["key"], "title": d["title"], "path": d["path"], "chunks": d["end"] - d["start"]}
            for d in manifest["documents"]]
