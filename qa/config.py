"""All settings in one place; built once at the entry point and passed down."""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from index.errors import ReportQAError

INGEST_PRECISIONS = ("int8", "float32")
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DOCUMENT = PROJECT_ROOT / "data" / "amnesty-mali-2024.txt"


def default_cache_dir() -> Path:
    """Where indexes live: $REPORTQA_CACHE, else $XDG_CACHE_HOME/reportqa, else ~/.cache/reportqa."""
    if os.environ.get("REPORTQA_CACHE"):
        return Path(os.environ["REPORTQA_CACHE"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "reportqa"


def default_engine_dir() -> Path:
    """Where batch engines are built once: $REPORTQA_ENGINE_DIR, else <cache dir>/engines."""
    if os.environ.get("REPORTQA_ENGINE_DIR"):
        return Path(os.environ["REPORTQA_ENGINE_DIR"]).expanduser()
    return default_cache_dir() / "engines"


@dataclass(frozen=True)
class Config:
    """How the assistant indexes, retrieves, answers and refuses."""

    document: Path = DEFAULT_DOCUMENT
    cache_dir: Path = field(default_factory=default_cache_dir)
    # What batch engines build once per machine (MiniLM's and e5's ONNX graphs), shared by every index.
    engine_dir: Path = field(default_factory=default_engine_dir)
    # Dense models by registry key (index.embedder.EMBEDDERS); e5 is multilingual.
    embedders: tuple[str, ...] = ("e5", "minilm")
    # Threads per model, chosen by measurement on 2 cores: one each. Two BLAS threads make an
    # idle machine's MiniLM query faster (~8 vs ~12 ms) but ~4x slower the moment anything else
    # holds a core (47 vs 13 ms measured with one busy core), and e5's spinning OpenMP workers
    # starve BLAS threads (p95 ~800 ms). Encoders run one after another; one question at a time.
    model_threads: dict = field(default_factory=lambda: {"minilm": 1, "e5": 1})
    # Indexing many documents is a batch job: every core, one model after the other.
    ingest_threads: int = field(default_factory=lambda: max(1, os.cpu_count() or 1))
    # Indexing passes (MiniLM's paragraphs, e5's chunks): "int8" runs each graph's attention output
    # and FFN MatMuls in int8, activations scaled per token (index/onnx_int8.py): ~1.3x the
    # throughput (MiniLM only ~205 vs ~187 chunks/s end to end), vectors at cosine ~0.999 to
    # float32, the same or better scores on all three gold sets (eval/results/dev.md). "float32"
    # embeds exactly what the query engines would. Words for the synonym checks always run in float32.
    ingest_precision: str = "int8"
    passages: int = 5  # ranked passages returned with every answer
    candidate_passages: int = 4  # passages whose sentences compete to be the answer
    max_answer_sentences: int = 2
    runner_up_gap: float = 3.0  # a runner-up this close (same passage) may be quoted when the best lacks what was asked
    max_question_chars: int = 1000  # the API caps at the same length
    # Which models read a question: English starts with MiniLM and escalates to all models
    # when the top two passages are closer than ``escalate_margin`` (fused z-score units).
    english_models: tuple[str, ...] = ("minilm",)
    multilingual_models: tuple[str, ...] = ("e5",)
    escalate_margin: float = 1.0
    # Refusal: the best passage must clear this cosine to count as on-topic at all (per model:
    # the floor of the model that first read the question, even after an escalation).
    min_topic_similarity: dict = field(default_factory=lambda: {"e5": 0.78, "minilm": 0.2})
    # A last guard for questions that match nothing: few question words in the passage
    # (literally or by synonym) and a weak word-by-word match of the quote.
    min_term_coverage: float = 0.15
    min_alignment: float = 0.42
    # Many documents (issue 5). ``collection`` names a collection under cache_dir/collections
    # (or is a directory path); None keeps the one-document mode over ``document``.
    collection: str | None = None
    documents: tuple[str, ...] = ()  # default scope inside a collection: keys, titles or paths (empty = all)
    backend: str = "faiss"  # vector store: "faiss" (embedded) or "milvus"
    milvus_uri: str = ""  # a Milvus Lite file (./reportqa.db) or http://host:19530
    exact_limit: int = 50_000  # chunks in scope up to which every chunk is scored exactly
    route_documents: int = 10  # a collection: documents tried in turn (best passage first) until one answers

    def __post_init__(self) -> None:
        # Checked here, not where the engines load: a typo would otherwise fall back to the slow
        # query engines with two warnings, or pass unnoticed while an index already exists.
        if self.ingest_precision not in INGEST_PRECISIONS:
            raise ReportQAError(f"unknown indexing precision {self.ingest_precision!r} "
                                f"(REPORTQA_PRECISION or --precision); choose {' or '.join(INGEST_PRECISIONS)}")

    def with_(self, **changes) -> "Config":
        return replace(self, **changes)

    @classmethod
    def from_env(cls) -> "Config":
        """Defaults, overridden by REPORTQA_DOCUMENT / REPORTQA_CACHE / REPORTQA_EMBEDDERS /
        REPORTQA_COLLECTION / REPORTQA_BACKEND / REPORTQA_MILVUS_URI / REPORTQA_PRECISION."""
        cfg = cls()
        if os.environ.get("REPORTQA_DOCUMENT"):
            cfg = cfg.with_(document=Path(os.environ["REPORTQA_DOCUMENT"]).expanduser())
        if os.environ.get("REPORTQA_COLLECTION"):
            cfg = cfg.with_(collection=os.environ["REPORTQA_COLLECTION"])
        if os.environ.get("REPORTQA_BACKEND"):
            cfg = cfg.with_(backend=os.environ["REPORTQA_BACKEND"])
        if os.environ.get("REPORTQA_MILVUS_URI"):
            cfg = cfg.with_(milvus_uri=os.environ["REPORTQA_MILVUS_URI"])
        if os.environ.get("REPORTQA_PRECISION"):
            cfg = cfg.with_(ingest_precision=os.environ["REPORTQA_PRECISION"])
        if os.environ.get("REPORTQA_EMBEDDERS"):
            cfg = cfg.with_(embedders=tuple(k.strip() for k in os.environ["REPORTQA_EMBEDDERS"].split(",") if k.strip()))
        return cfg
