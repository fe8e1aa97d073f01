"""Adding one document to a big HNSW collection: grow the graphs or rebuild them?

    python -m eval.bench_grow [--chunks 60000]

Builds a collection of ``--chunks`` chunks from the scale benchmark's composed documents (real
sentence vectors, see ``eval.bench_scale``), then merges one more document twice: once growing the
recorded HNSW graphs (what ``reportqa index`` does when documents are only added), once rebuilding
them. Prints the seconds of each merge (BM25 and file writes included in both).
"""
from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

import faiss
import numpy as np

from eval import bench_scale as bs
from index import load_embedder
from index.collection import assemble
from qa.config import default_cache_dir


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m eval.bench_grow", description=__doc__.splitlines()[0])
    p.add_argument("--chunks", type=int, default=60_000)
    args = p.parse_args(argv)
    rng, nrng = random.Random(11), np.random.default_rng(5)
    _, sentences, words_ = bs.distractor_text(3000)
    embedders = {k: load_embedder(k) for k in bs.MODELS}
    pool = bs.VectorPool(sentences, default_cache_dir() / "bench-scale", embedders, words_)
    parts, total = [], 0
    while total < args.chunks:
        part = bs.composed_part_with_origin(len(parts), 12, sentences, pool, 0.02, nrng, rng)
        parts.append(part)
        total += len(part.chunks)
    extra = bs.composed_part_with_origin(10 ** 6, 12, sentences, pool, 0.02, nrng, rng)
    models = {k: {"name": e.name, "dim": int(e.dim)} for k, e in embedders.items()}
    directory = Path(tempfile.mkdtemp(prefix="reportqa-grow-"))
    try:
        t = time.perf_counter()
        assemble(directory, parts, models, "minilm", "hnsw")
        first = time.perf_counter() - t
        graphs = {k: faiss.read_index(str(directory / "current" / f"faiss-{k}.index")) for k in models}
        t = time.perf_counter()
        assemble(directory, parts + [extra], models, "minilm", "hnsw", grow=graphs)
        grown = time.perf_counter() - t
        t = time.perf_counter()
        assemble(directory, parts + [extra], models, "minilm", "hnsw")
        rebuilt = time.perf_counter() - t
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    print(f"{total} chunks in {len(parts)} documents (first merge {first:.1f} s); adding one document of "
          f"{len(extra.chunks)} chunks: grow {grown:.1f} s, rebuild {rebuilt:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
