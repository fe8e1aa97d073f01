"""What a typical user builds instead: LangChain's RecursiveCharacterTextSplitter(1000, 200),
the same MiniLM, a FAISS inner-product index, k=4, and the top chunk as the answer.

Kept honest on purpose: same model weights, same document text, no refusals (the recipe has
none), latency measured on retrieval only.
"""
from __future__ import annotations

import time
from pathlib import Path

import faiss


class LangChainBaseline:
    """``ask(question) -> dict`` in the eval result shape."""

    name = "LangChain recipe (1000/200 splitter + MiniLM + FAISS k=4)"

    def __init__(self, document: Path, k: int = 4) -> None:
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        from index import MiniLMEmbedder  # the same weights the assistant uses

        t0 = time.perf_counter()
        text = Path(document).read_text(encoding="utf-8", errors="replace")
        splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
        self.chunks = splitter.split_text(text)
        self.embedder = MiniLMEmbedder(threads=1, backend="torch")  # as the recipe runs it
        vectors = self.embedder.encode(self.chunks)
        self.index = faiss.IndexFlatIP(vectors.shape[1])
        self.index.add(vectors)
        self.k = k
        self.load_ms = (time.perf_counter() - t0) * 1000

    def ask(self, question: str, history=None) -> dict:
        t0 = time.perf_counter()
        q = self.embedder.encode([question or " "], query=True)
        _, ids = self.index.search(q, min(self.k, len(self.chunks)))
        latency = (time.perf_counter() - t0) * 1000
        passages = [self.chunks[i] for i in ids[0] if i >= 0]
        top = passages[0] if passages else ""
        return {
            "answer": top,
            "abstained": False,
            "passages": passages,
            "citations": [{"text": top, "section": "", "paragraph": 0, "paragraph_text": top, "footnotes": []}] if top else [],
            "latency_ms": latency,
        }
