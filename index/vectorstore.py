"""Where the vectors live: one narrow interface, two implementations.

* :class:`FaissStore` (default, embedded): the index's own FAISS indexes (flat or HNSW) and
  its vector matrices in memory.
* :class:`MilvusStore`: a Milvus collection through ``pymilvus.MilvusClient``. A local path
  ending in ``.db`` runs Milvus Lite in-process (tests, one machine); ``http://host:19530``
  talks to a Milvus server or cluster. Nothing else changes.

Both answer the two questions retrieval asks: the ``k`` nearest chunks to a query vector,
optionally only inside some documents; and the exact cosine of given chunks (to fuse scores
over a candidate set). Rows are chunk rows of the :class:`~index.store.SearchIndex`.

The Milvus schema keeps to the portable subset: INT64 primary key (the chunk row), INT64
``doc`` and VARCHAR ``doc_key``/``kind``/``section`` scalars, INT64 ``paragraph``, one
FLOAT_VECTOR per model with COSINE + AUTOINDEX, a VARCHAR ``text`` with the default analyzer
feeding a BM25 ``Function`` into a SPARSE_FLOAT_VECTOR (SPARSE_INVERTED_INDEX), and
``==``/``in`` filters. :meth:`MilvusStore.hybrid` runs dense + BM25 with ``RRFRanker``.
"""
from __future__ import annotations

from typing import Protocol, Sequence, runtime_checkable

import numpy as np

from .errors import ReportQAError
from .store import SearchIndex


class StoreError(ReportQAError):
    """The vector store cannot be opened or used."""


@runtime_checkable
class VectorStore(Protocol):
    kind: str

    def search(self, key: str, query: np.ndarray, k: int, docs: Sequence[int] | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
        """(rows, cosine scores) of the ``k`` nearest chunks, best first, within ``docs`` if given."""

    def vectors(self, key: str, rows: np.ndarray) -> np.ndarray:
        """The stored vectors of ``rows`` (for exact scores over a candidate set)."""

    def close(self) -> None: ...


class FaissStore:
    """The embedded default: FAISS over the index's vectors."""

    kind = "faiss"

    def __init__(self, index: SearchIndex, oversample: int = 8) -> None:
        self.index = index
        self.oversample = oversample

    def search(self, key: str, query: np.ndarray, k: int, docs: Sequence[int] | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
        q = np.ascontiguousarray(query, dtype=np.float32)[None, :]
        mat = self.index.vectors[key]
        if docs is not None and self.index.documents:
            # A scope is a few documents: contiguous row ranges, scanned exactly.
            ranges = [(self.index.documents[d]["start"], self.index.documents[d]["end"]) for d in docs]
            rows = np.concatenate([np.arange(s, e) for s, e in ranges]) if ranges else np.zeros(0, np.int64)
            if len(rows) <= 200_000:
                scores = mat[rows] @ q[0]
                top = np.argsort(-scores, kind="stable")[:k]
                return rows[top].astype(np.int64), scores[top].astype(np.float32)
            allowed = np.zeros(len(mat), bool)
            allowed[rows] = True
            found_rows, found = self._ann(key, q, k * self.oversample)
            keep = allowed[found_rows]
            return found_rows[keep][:k], found[keep][:k]
        return self._ann(key, q, k)

    def _ann(self, key: str, q: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        ix = self.index.faiss[key]
        k = min(k, ix.ntotal)
        scores, rows = ix.search(q, k)
        keep = rows[0] >= 0
        return rows[0][keep].astype(np.int64), scores[0][keep].astype(np.float32)

    def vectors(self, key: str, rows: np.ndarray) -> np.ndarray:
        return self.index.vectors[key][rows]

    def close(self) -> None:
        pass


def _open_client(uri: str):
    try:
        from pymilvus import MilvusClient
    except ImportError:
        raise StoreError("the Milvus backend needs pymilvus (and milvus-lite for a local .db): "
                         "pip install pymilvus milvus-lite") from None
    try:
        return MilvusClient(uri)
    except Exception as exc:
        text = f"{exc} {exc.__cause__ or ''} {exc.__context__ or ''}"
        if "lock" in text.lower() or "Open local milvus failed" in text:
            raise StoreError(f"the Milvus Lite database {uri} is open in another process; Milvus Lite allows one "
                             "process per .db file (stop the other one, or use a Milvus server URI)") from None
        raise StoreError(f"cannot connect to Milvus at {uri}: {str(exc).splitlines()[0][:200]}") from None


class MilvusStore:
    """Chunks and vectors in a Milvus collection (Milvus Lite file or a server URI)."""

    kind = "milvus"
    MAX_TEXT = 8192

    def __init__(self, uri: str, index: SearchIndex, name: str = "reportqa_chunks", *,
                 rebuild: bool = False, batch: int = 2000) -> None:
        self.uri = str(uri)
        self.index = index
        self.name = name
        self.client = _open_client(self.uri)
        self._cache: dict[tuple[str, int], np.ndarray] = {}
        try:
            sig = self._signature()
            exists = self.client.has_collection(name)
            if exists and not rebuild:
                desc = self.client.describe_collection(name)
                if (desc.get("description") or "") != sig:
                    rebuild = True
            if rebuild or not exists:
                self._create(sig)
                self._fill(batch)
            self.client.load_collection(name)
        except StoreError:
            raise
        except Exception as exc:
            raise StoreError(f"Milvus at {self.uri} failed: {str(exc).splitlines()[0][:200]}") from None

    # -- building ----------------------------------------------------------------------
    def _signature(self) -> str:
        m = self.index.manifest
        docs = ",".join(d["sha256"][:12] for d in self.index.documents) or m.get("document", {}).get("sha256", "")[:12]
        models = ",".join(f"{k}={v['name']}" for k, v in sorted(m["models"].items()))
        return f"reportqa chunks={len(self.index.chunks)} docs={docs} models={models}"[:250]

    def _create(self, sig: str) -> None:
        from pymilvus import DataType, Function, FunctionType

        c = self.client
        if c.has_collection(self.name):
            c.drop_collection(self.name)
        s = c.create_schema(auto_id=False, description=sig)
        s.add_field("id", DataType.INT64, is_primary=True)
        s.add_field("doc", DataType.INT64)
        s.add_field("doc_key", DataType.VARCHAR, max_length=128)
        s.add_field("kind", DataType.VARCHAR, max_length=16)
        s.add_field("section", DataType.VARCHAR, max_length=1024)
        s.add_field("paragraph", DataType.INT64)
        s.add_field("text", DataType.VARCHAR, max_length=self.MAX_TEXT * 4, enable_analyzer=True)
        s.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
        for key, meta in self.index.manifest["models"].items():
            s.add_field(f"vec_{key}", DataType.FLOAT_VECTOR, dim=int(meta["dim"]))
        s.add_function(Function(name="text_bm25", function_type=FunctionType.BM25,
                                input_field_names=["text"], output_field_names=["sparse"]))
        ip = c.prepare_index_params()
        for key in self.index.manifest["models"]:
            ip.add_index(field_name=f"vec_{key}", index_type="AUTOINDEX", metric_type="COSINE")
        ip.add_index(field_name="sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25")
        c.create_collection(self.name, schema=s, index_params=ip)

    def _fill(self, batch: int) -> None:
        ix = self.index
        keys = list(ix.manifest["models"])
        docs = ix.doc_of_row if ix.doc_of_row is not None else np.zeros(len(ix.chunks), np.int32)
        for start in range(0, len(ix.chunks), batch):
            rows = []
            for i in range(start, min(start + batch, len(ix.chunks))):
                c = ix.chunks[i]
                d = int(docs[i])
                row = {"id": i, "doc": d, "doc_key": ix.documents[d]["key"] if ix.documents else "",
                       "kind": c.kind, "section": " > ".join(c.section)[:1000], "paragraph": int(c.paragraph),
                       "text": c.text[:self.MAX_TEXT] or "_"}
                for k in keys:
                    row[f"vec_{k}"] = ix.vectors[k][i].tolist()
                rows.append(row)
            self.client.insert(self.name, rows)
        self.client.flush(self.name)

    # -- queries -----------------------------------------------------------------------
    @staticmethod
    def _filter(docs: Sequence[int] | None) -> str:
        if docs is None:
            return ""
        docs = [int(d) for d in docs]
        return f"doc == {docs[0]}" if len(docs) == 1 else f"doc in {docs}"

    def search(self, key: str, query: np.ndarray, k: int, docs: Sequence[int] | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
        k = max(1, min(int(k), 16384))
        hits = self.client.search(self.name, data=[np.asarray(query, np.float32).tolist()], anns_field=f"vec_{key}",
                                  limit=k, filter=self._filter(docs), search_params={"metric_type": "COSINE"})[0]
        return (np.array([h["id"] for h in hits], dtype=np.int64),
                np.array([h["distance"] for h in hits], dtype=np.float32))

    def hybrid(self, key: str, query: np.ndarray, text: str, k: int, docs: Sequence[int] | None = None,
               rrf_k: int = 60) -> list[int]:
        """Dense + BM25 (server-side, default analyzer) fused with RRF; chunk rows, best first."""
        from pymilvus import AnnSearchRequest, RRFRanker

        flt = self._filter(docs)
        reqs = [AnnSearchRequest([np.asarray(query, np.float32).tolist()], f"vec_{key}", {"metric_type": "COSINE"},
                                 k, expr=flt or None),
                AnnSearchRequest([text], "sparse", {"metric_type": "BM25"}, k, expr=flt or None)]
        hits = self.client.hybrid_search(self.name, reqs, RRFRanker(rrf_k), limit=k)[0]
        return [int(h["id"]) for h in hits]

    def vectors(self, key: str, rows: np.ndarray) -> np.ndarray:
        rows = [int(r) for r in rows]
        missing = [r for r in rows if (key, r) not in self._cache]
        for i in range(0, len(missing), 1000):
            part = missing[i:i + 1000]
            for hit in self.client.query(self.name, ids=part, output_fields=[f"vec_{key}"]):
                self._cache[(key, int(hit["id"]))] = np.asarray(hit[f"vec_{key}"], np.float32)
        if len(self._cache) > 500_000:
            keep = {(key, r) for r in rows}
            self._cache = {kr: v for kr, v in self._cache.items() if kr in keep}
        dim = int(self.index.manifest["models"][key]["dim"])
        if not rows:
            return np.zeros((0, dim), np.float32)
        return np.vstack([self._cache[(key, r)] for r in rows])

    def close(self) -> None:
        try:
            self.client.close()
        except Exception:
            pass


def open_store(backend: str, index: SearchIndex, uri: str | None = None, **kw) -> VectorStore:
    """``faiss`` (default) or ``milvus`` (needs ``uri``: a ``.db`` path or ``http://host:19530``)."""
    if backend in ("", "faiss", None):
        return FaissStore(index)
    if backend == "milvus":
        if not uri:
            raise StoreError("the Milvus backend needs a URI: a local file like ./reportqa.db or http://host:19530")
        return MilvusStore(uri, index, **kw)
    raise StoreError(f"unknown vector store {backend!r}; choose faiss or milvus")
