"""Speed benchmark: warm `ask` latency vs the baseline's retrieval-only latency (same process,
same questions, interleaved), and cold start (new process -> first answer, index on disk).

    python -m eval.bench_speed [GOLD.jsonl] [--rounds 3] [--out eval/results/speed.md]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_GOLD = ROOT / "data" / "dev.jsonl"
COLD = "import time; t=time.perf_counter(); from qa import Assistant; a=Assistant(); a.ask({q!r}); print((time.perf_counter()-t)*1000)"
COLD_BASE = ("import time; t=time.perf_counter(); from eval.baseline import LangChainBaseline; "
             "from qa import DEFAULT_DOCUMENT; b=LangChainBaseline(DEFAULT_DOCUMENT); b.ask({q!r}); "
             "print((time.perf_counter()-t)*1000)")


def _pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def _cold(code: str, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        res = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
        wall = (time.perf_counter() - t0) * 1000
        if res.returncode != 0:
            raise SystemExit(f"cold start run failed: {res.stderr.strip().splitlines()[-1:]}")
        out.append(wall)
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m eval.bench_speed")
    p.add_argument("gold", nargs="?", type=Path, default=DEFAULT_GOLD)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--cold-runs", type=int, default=3)
    p.add_argument("--out", type=Path, default=ROOT / "eval" / "results" / "speed.md")
    args = p.parse_args(argv)

    from qa import Assistant, Config

    from .baseline import LangChainBaseline

    gold = [json.loads(line) for line in args.gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    cfg = Config.from_env()
    assistant = Assistant(cfg)
    base = LangChainBaseline(cfg.document)
    for item in gold[:5]:  # warm both
        assistant.ask(item["question"])
        base.ask(item["question"])
    # Alternate whole blocks rather than single questions: interleaving torch (baseline) and
    # BLAS (ours) calls question by question makes each wake the other's idle threads and
    # measures the switching, not either system.
    ours, theirs = [], []
    for _ in range(args.rounds):
        for item in gold:
            t0 = time.perf_counter()
            assistant.ask(item["question"], item.get("history"))
            ours.append((time.perf_counter() - t0) * 1000)
        for item in gold:
            theirs.append(base.ask(item["question"])["latency_ms"])
    q = gold[0]["question"]
    cold_ours = _cold(COLD.format(q=q), args.cold_runs)
    cold_base = _cold(COLD_BASE.format(q=q), args.cold_runs)
    rows = [
        ("warm ask p50 ms (reportqa, full answer)", statistics.median(ours)),
        ("warm ask p95 ms (reportqa, full answer)", _pct(ours, 0.95)),
        ("baseline retrieval-only p50 ms", statistics.median(theirs)),
        ("baseline retrieval-only p95 ms", _pct(theirs, 0.95)),
        ("cold start median ms (reportqa: new process -> first answer)", statistics.median(cold_ours)),
        ("cold start median ms (baseline: new process -> first retrieval)", statistics.median(cold_base)),
    ]
    command = "python -m eval.bench_speed " + " ".join(argv if argv is not None else sys.argv[1:])
    text = [f"# Speed on {os.cpu_count()} cores", "", f"Produced by `{command}`; {len(ours)} warm questions "
            f"per system (alternating blocks of the whole set), {args.cold_runs} cold starts each.", "", "| measure | ms |", "|---|---|"]
    text += [f"| {label} | {value:.1f} |" for label, value in rows]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(text) + "\n", encoding="utf-8")
    print("\n".join(text))
    return 0


if __name__ == "__main__":
    sys.exit(main())
