"""Run every question of a gold file through reportqa (and the baseline), write results and metrics.

    python -m eval.run GOLD.jsonl --out RESULTS.jsonl [--document PATH] [--no-baseline]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from qa import Assistant, Config, ReportQAError  # noqa: E402

from .metrics import RunMetrics, aggregate, score_item  # noqa: E402
from .report import table, write_markdown, write_plot  # noqa: E402

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def read_gold(path: Path) -> list[dict]:
    """Gold items; a line that is not a JSON object with `id` and `question` is reported and skipped."""
    items = []
    try:
        lines = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as exc:
        raise ReportQAError(f"cannot read gold file {path}: {exc.strerror or exc}") from None
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            assert isinstance(item, dict) and "question" in item
        except (ValueError, AssertionError):
            print(f"eval: {path}:{n}: not a gold item (need a JSON object with 'question'); skipped", file=sys.stderr)
            continue
        item.setdefault("id", f"line{n}")
        items.append(item)
    if not items:
        raise ReportQAError(f"no questions in {path}")
    return items


def run_assistant(assistant: Assistant, gold: list[dict]) -> list[dict]:
    results = []
    for item in gold:
        t0 = time.perf_counter()
        answer = assistant.ask(str(item.get("question", "")), item.get("history"))
        latency = (time.perf_counter() - t0) * 1000
        row = answer.to_json()
        results.append({"id": item["id"], "question": item["question"], "answer": row["answer"],
                        "abstained": row["abstained"], "reason": row["reason"], "passages": row["passages"],
                        "citations": row["citations"], "latency_ms": round(latency, 2)})
    return results


def run_baseline(document: Path, gold: list[dict]) -> tuple[list[dict], float]:
    from .baseline import LangChainBaseline

    base = LangChainBaseline(document)
    out = []
    for item in gold:
        row = base.ask(str(item.get("question", "")))
        out.append({"id": item["id"], "question": item["question"], **row})
    return out, base.load_ms


def score(gold: list[dict], results: list[dict]) -> RunMetrics:
    return aggregate([score_item(g, r) for g, r in zip(gold, results)])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m eval.run", description=__doc__.splitlines()[0])
    p.add_argument("gold", type=Path)
    p.add_argument("--out", type=Path, help="results JSONL (default: eval/results/<gold>-results.jsonl)")
    p.add_argument("--document", type=Path, help="evaluate against this document (indexed on the fly, cached)")
    p.add_argument("--cache-dir", type=Path)
    p.add_argument("--no-baseline", action="store_true", help="skip the LangChain-style baseline")
    p.add_argument("--report", type=Path, help="Markdown report path (default: eval/results/<gold>.md)")
    args = p.parse_args(argv)
    try:
        gold = read_gold(args.gold)
        cfg = Config.from_env()
        if args.document:
            cfg = cfg.with_(document=args.document)
        if args.cache_dir:
            cfg = cfg.with_(cache_dir=args.cache_dir)
        t0 = time.perf_counter()
        assistant = Assistant(cfg)
        load_ms = (time.perf_counter() - t0) * 1000
        results = run_assistant(assistant, gold)
    except ReportQAError as exc:
        print(f"eval: {exc}", file=sys.stderr)
        return 1
    stem = args.gold.stem
    out = args.out or RESULTS_DIR / f"{stem}-results.jsonl"
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8") as fh:
        for row in results:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    runs = {"reportqa": score(gold, results)}
    notes = [f"reportqa load (models + index): {load_ms:.0f} ms."]
    if not args.no_baseline:
        try:
            base_results, base_load = run_baseline(Path(cfg.document), gold)
            runs["baseline"] = score(gold, base_results)
            notes.append(f"baseline load (split + embed + index): {base_load:.0f} ms; its latency is retrieval only.")
        except ImportError as exc:
            notes.append(f"baseline skipped: {exc} (pip install -e '.[eval]')")
    print(table(runs))
    print()
    for kind, row in runs["reportqa"].by_kind.items():
        shown = ", ".join(f"{k}={v:.2f}" for k, v in row.items() if k != "n")
        print(f"  {kind:14s} n={row['n']:.0f}  {shown}")
    print("\n" + " ".join(notes))
    command = "python -m eval.run " + " ".join(argv if argv is not None else sys.argv[1:])
    report = args.report or RESULTS_DIR / f"{stem}.md"
    write_markdown(report, args.gold.name, runs, command, " ".join(notes))
    if write_plot(report.with_suffix(".png"), runs):
        print(f"report: {report} and {report.with_suffix('.png')}; results: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
