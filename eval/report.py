"""Write the side-by-side metrics table (Markdown) and a bar chart (PNG)."""
from __future__ import annotations

import math
from pathlib import Path

from .metrics import RunMetrics

ROWS = [
    ("hit@1", "hit_at_1", "{:.3f}"),
    ("hit@3", "hit_at_3", "{:.3f}"),
    ("MRR", "mrr", "{:.3f}"),
    ("answer accuracy", "answer_accuracy", "{:.3f}"),
    ("citation accuracy", "citation_accuracy", "{:.3f}"),
    ("median answer words", "median_answer_words", "{:.0f}"),
    ("refusal (unanswerable)", "refusal_rate", "{:.3f}"),
    ("false refusal (answerable)", "false_refusal_rate", "{:.3f}"),
    ("latency p50 ms", "latency_p50_ms", "{:.1f}"),
    ("latency p95 ms", "latency_p95_ms", "{:.1f}"),
]


def _fmt(value: float, pattern: str) -> str:
    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) else pattern.format(value)


def table(runs: dict[str, RunMetrics]) -> str:
    names = list(runs)
    lines = ["| metric | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for label, attr, pattern in ROWS:
        lines.append(f"| {label} | " + " | ".join(_fmt(getattr(runs[n], attr), pattern) for n in names) + " |")
    return "\n".join(lines)


def kind_table(metrics: RunMetrics) -> str:
    lines = ["| kind | n | answer accuracy | hit@1 | refusal |", "|---|---|---|---|---|"]
    for kind, row in metrics.by_kind.items():
        lines.append(f"| {kind} | {row['n']:.0f} | {_fmt(row.get('answer_accuracy', float('nan')), '{:.2f}')} | "
                     f"{_fmt(row.get('hit@1', float('nan')), '{:.2f}')} | {_fmt(row.get('refusal_rate', float('nan')), '{:.2f}')} |")
    return "\n".join(lines)


def write_markdown(path: Path, gold_name: str, runs: dict[str, RunMetrics], command: str, notes: str = "") -> None:
    first = next(iter(runs.values()))
    text = [f"# Evaluation on `{gold_name}`", "", f"Produced by `{command}`.", "", table(runs), "",
            "## reportqa by question kind", "", kind_table(first), ""]
    if notes:
        text += [notes, ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(text), encoding="utf-8")


def write_plot(path: Path, runs: dict[str, RunMetrics]) -> bool:
    """Grouped bars of the rate metrics; returns False when matplotlib is missing."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    labels = ["hit@1", "hit@3", "answer acc.", "citation acc.", "refusal", "1 - false refusal"]
    fig, ax = plt.subplots(figsize=(9, 4.2))
    width = 0.8 / max(len(runs), 1)
    for i, (name, m) in enumerate(runs.items()):
        values = [m.hit_at_1, m.hit_at_3, m.answer_accuracy, m.citation_accuracy, m.refusal_rate,
                  1 - m.false_refusal_rate]
        values = [0.0 if (v is None or math.isnan(v)) else v for v in values]
        xs = [j + i * width for j in range(len(labels))]
        bars = ax.bar(xs, values, width, label=name)
        ax.bar_label(bars, fmt="%.2f", fontsize=7)
    ax.set_xticks([j + width * (len(runs) - 1) / 2 for j in range(len(labels))], labels)
    ax.set_ylim(0, 1.1)
    ax.set_ylabel("rate")
    ax.legend(loc="lower left", fontsize=8)
    ax.set_title("reportqa vs the typical RAG recipe")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return True
