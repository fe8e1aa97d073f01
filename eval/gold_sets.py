"""Score every gold set of ``eval/gold/sets.json`` against its own document, in one table.

    python -m eval.gold_sets [--out eval/results/gold-sets.md] [--cache-dir DIR]

The dev set is what the rules were tuned on; the others check that they generalise: more
questions on the same report, and reports in other formats the rules never saw.
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

from .run import read_gold, run_assistant, score  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SETS = Path(__file__).resolve().parent / "gold" / "sets.json"
COLUMNS = ("hit_at_1", "answer_accuracy", "citation_accuracy", "refusal_rate", "false_refusal_rate", "latency_p50_ms")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m eval.gold_sets", description=__doc__.splitlines()[0])
    p.add_argument("--sets", type=Path, default=SETS)
    p.add_argument("--out", type=Path, default=ROOT / "eval" / "results" / "gold-sets.md")
    p.add_argument("--cache-dir", type=Path)
    args = p.parse_args(argv)
    try:
        sets = json.loads(args.sets.read_text(encoding="utf-8"))["sets"]
        rows, assistants = [], {}
        for s in sets:
            doc = ROOT / s["document"]
            if doc not in assistants:
                cfg = Config.from_env().with_(document=doc)
                assistants[doc] = Assistant(cfg.with_(cache_dir=args.cache_dir) if args.cache_dir else cfg)
            gold = read_gold(ROOT / s["gold"])
            m = score(gold, run_assistant(assistants[doc], gold))
            rows.append((s, len(gold), m))
            print(f"{s['gold']}: " + ", ".join(f"{c} {getattr(m, c):.3f}" for c in COLUMNS), flush=True)
    except (ReportQAError, OSError, KeyError, ValueError) as exc:
        print(f"eval: {exc}", file=sys.stderr)
        return 1
    lines = [f"# Gold sets\n\n`python -m eval.gold_sets` on {time.strftime('%Y-%m-%d')}.\n",
             "| gold set | document | role | questions | " + " | ".join(COLUMNS) + " |",
             "|---|---|---|---:|" + "---:|" * len(COLUMNS)]
    for s, n, m in rows:
        lines.append(f"| `{s['gold']}` | `{Path(s['document']).name}` | {s['role']} | {n} | "
                     + " | ".join(f"{getattr(m, c):.3f}" if c != "latency_p50_ms" else f"{getattr(m, c):.1f}"
                                  for c in COLUMNS) + " |")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"report: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
