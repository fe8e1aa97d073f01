"""What the robustness suite fed the bot, what it broke under it, and what survived.

Tests call :func:`tried` (one input of a family and how it ended) and :func:`fault` (a fault
injected and the outcome); at the end of the pytest session ``tests/conftest.py`` calls
:func:`finish`, which saves the counts to ``eval/results/robustness-suite.json`` and renders
``eval/results/robustness.md`` together with the latest load figures that ``eval/load_test.py``
saved to ``eval/results/load.json`` (short run) / ``load-60s.json`` (the full run).
"""
from __future__ import annotations

import json
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
SUITE_JSON = RESULTS / "robustness-suite.json"
REPORT_MD = RESULTS / "robustness.md"
LOAD_FILES = ("load-60s.json", "load-60s-before.json", "load.json")

_lock = threading.Lock()
_inputs: dict[str, Counter] = defaultdict(Counter)  # family -> outcome -> count
_faults: list[dict] = []
_records: dict[str, dict] = {}  # name -> {"sent": n, "kept": n}


def tried(family: str, outcome: str, n: int = 1) -> None:
    """One (or ``n``) inputs of ``family`` ended as ``outcome`` (answer / refusal / error / 4xx ...)."""
    with _lock:
        _inputs[family][outcome] += n


def fault(name: str, outcome: str, ok: bool = True) -> None:
    """A fault injected (``name``) and what happened (``outcome``); ``ok`` false marks a failure."""
    with _lock:
        _faults.append({"fault": name, "outcome": outcome, "ok": bool(ok)})


def records(name: str, sent: int, kept: int) -> None:
    """Records sent vs found afterwards (feedback lines, ...)."""
    with _lock:
        _records[name] = {"sent": int(sent), "kept": int(kept), "lost": int(sent) - int(kept)}


def snapshot() -> dict:
    with _lock:
        return {"inputs": {f: dict(c) for f, c in sorted(_inputs.items())}, "faults": list(_faults),
                "records": dict(_records)}


def finish(exitstatus: int | None = None, path: Path = SUITE_JSON) -> Path | None:
    """Save this session's counts (if it recorded any) and re-render the report."""
    data = snapshot()
    if not (data["inputs"] or data["faults"] or data["records"]):
        return None
    data["finished"] = time.strftime("%Y-%m-%d %H:%M:%S")
    data["pytest_exit"] = exitstatus
    RESULTS.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return render()


def _load(name: str) -> dict | None:
    p = RESULTS / name
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _load_table(run: dict) -> list[str]:
    lines = [f"- when: {run.get('finished', '?')}; {run.get('users')} users for {run.get('duration_s')} s; "
             f"server settings: {run.get('settings', {})}",
             "", "| endpoint | requests | errors | throughput (req/s) | p50 ms | p95 ms | p99 ms |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for name, e in run.get("endpoints", {}).items():
        lines.append(f"| {name} | {e['requests']} | {e['errors']} | {e['throughput_rps']:.1f} | "
                     f"{e['p50_ms']:.0f} | {e['p95_ms']:.0f} | {e['p99_ms']:.0f} |")
    t = run.get("total", {})
    lines.append(f"| **all** | {t.get('requests', 0)} | {t.get('errors', 0)} | {t.get('throughput_rps', 0):.1f} | | | |")
    h = run.get("health", {})
    lines += ["", f"- health checks during load: {h.get('requests', 0)}, failed {h.get('errors', 0)}, "
                  f"p50 {h.get('p50_ms', 0):.0f} ms, p99 {h.get('p99_ms', 0):.0f} ms, max {h.get('max_ms', 0):.0f} ms",
              f"- server peak RSS: {run.get('peak_rss_mb', 0):.0f} MB; machine load average at start: "
              f"{run.get('loadavg_start', '?')}"]
    if run.get("error_samples"):
        lines.append(f"- error samples: {run['error_samples'][:5]}")
    return lines


def render(out: Path = REPORT_MD) -> Path:
    suite = _load(SUITE_JSON.name) or {"inputs": {}, "faults": [], "records": {}}
    lines = ["# Robustness report", "",
             "Written by the suite itself (`make test` → `tests/conftest.py` → `eval/robustness.py`) and by "
             "`python -m eval.load_test`. Re-run either to refresh.", ""]
    lines += [f"Suite run: {suite.get('finished', 'never')} (pytest exit status {suite.get('pytest_exit')}).", ""]
    inputs = suite.get("inputs", {})
    total = sum(sum(c.values()) for c in inputs.values())
    lines += ["## Inputs tried", "", f"{total} inputs in {len(inputs)} families; every one ended as an answer, a "
              "refusal, a one-line error or a 4xx — an escaped exception or a 500 fails the suite.", "",
              "| family | tried | outcomes |", "|---|---:|---|"]
    for fam, c in inputs.items():
        lines.append(f"| {fam} | {sum(c.values())} | " + ", ".join(f"{k}: {v}" for k, v in sorted(c.items())) + " |")
    faults = suite.get("faults", [])
    lines += ["", "## Faults injected", "", f"{len(faults)} faults, {sum(not f['ok'] for f in faults)} not survived.",
              "", "| fault | outcome | survived |", "|---|---|---|"]
    for f in faults:
        lines.append(f"| {f['fault']} | {f['outcome'].replace('|', '/')} | {'yes' if f['ok'] else 'NO'} |")
    recs = suite.get("records", {})
    lost = sum(r["lost"] for r in recs.values())
    lines += ["", "## Records", "", f"Records lost: **{lost}**.", "", "| log | sent | kept | lost |", "|---|---:|---:|---:|"]
    for name, r in recs.items():
        lines.append(f"| {name} | {r['sent']} | {r['kept']} | {r['lost']} |")
    lines += ["", "## Load", ""]
    found = False
    for name, title in (("load-60s-before.json", "60 s, before tuning"), ("load-60s.json", "60 s, after tuning"),
                        ("load.json", "short run (in `make test`)")):
        run = _load(name)
        if run:
            found = True
            lines += [f"### {title} (`{name}`)", "", *_load_table(run), ""]
    if found:
        lines += ["Tuning (2 cores): `/api/ask` passes an admission gate of `ASK_CONCURRENCY` requests (the rest wait on "
                  "the event loop, not in worker threads) and anyio's pool is `WORKER_THREADS` threads "
                  "(ui/server.py). Without the gate, 40 API threads queued on the assistant's lock and starved "
                  "the chat's 4 slots; with it both endpoints share the one answering core fairly. Throughput is "
                  "bound by the answer time itself (one question at a time); absolute figures depend on what "
                  "else the machine runs (load average above).", ""]
    if not found:
        lines.append("No load run yet: `python -m eval.load_test --duration 60 --users 50`.")
    out.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")
    return out
