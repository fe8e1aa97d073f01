"""All settings in one place; built once at the entry point and passed down."""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DOCUMENT = PROJECT_ROOT / "data" / "amnesty-mali-2024.txt"


def default_cache_dir() -> Path:
    """Where indexes live: $REPORTQA_CACHE, else $XDG_CACHE_HOME/reportqa, else ~/.cache/reportqa."""
    if os.environ.get("REPORTQA_CACHE"):
        return Path(os.environ["REPORTQA_CACHE"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "reportqa"


@dataclass(frozen=True)
class Config:
    """How the assistant indexes, retrieves, answers and refuses."""

    document: Path = DEFAULT_DOCUMENT
    cache_dir: Path = field(default_factory=default_cache_dir)
    # Dense models by registry key (index.embedder.EMBEDDERS); e5 is multilingual.
    embedders: tuple[str, ...] = ("e5", "minilm")
    threads: int = 1  # per model; 2 cores, one query at a time is steadiest single-threaded
    passages: int = 5  # ranked passages returned with every answer
    candidate_passages: int = 4  # passages whose sentences compete to be the answer
    max_answer_sentences: int = 2
    runner_up_gap: float = 3.0  # a runner-up this close (same passage) may be quoted when the best lacks what was asked
    max_question_chars: int = 2000
    # Which models read a question: English starts with MiniLM and escalates to all models
    # when the top two passages are closer than ``escalate_margin`` (fused z-score units).
    english_models: tuple[str, ...] = ("minilm",)
    multilingual_models: tuple[str, ...] = ("e5",)
    escalate_margin: float = 0.5
    # Refusal: the best passage must clear this cosine to count as on-topic at all (per model,
    # first one computed wins).
    min_topic_similarity: dict = field(default_factory=lambda: {"e5": 0.78, "minilm": 0.2})
    # A last guard for questions that match nothing: few question words in the passage
    # (literally or by synonym) and a weak word-by-word match of the quote.
    min_term_coverage: float = 0.15
    min_alignment: float = 0.42

    def with_(self, **changes) -> "Config":
        return replace(self, **changes)

    @classmethod
    def from_env(cls) -> "Config":
        """Defaults, overridden by REPORTQA_DOCUMENT / REPORTQA_CACHE / REPORTQA_EMBEDDERS."""
        cfg = cls()
        if os.environ.get("REPORTQA_DOCUMENT"):
            cfg = cfg.with_(document=Path(os.environ["REPORTQA_DOCUMENT"]).expanduser())
        if os.environ.get("REPORTQA_EMBEDDERS"):
            cfg = cfg.with_(embedders=tuple(k.strip() for k in os.environ["REPORTQA_EMBEDDERS"].split(",") if k.strip()))
        return cfg
