"""The feedback log: one JSON line per event; concurrent writers (threads and processes) lose nothing."""
from __future__ import annotations

import json
import multiprocessing
import threading

from ui.feedback import FeedbackLog

N_THREADS, N_PROCS, PER_WRITER = 8, 4, 50


def _writer(path: str, tag: str, n: int) -> None:
    log = FeedbackLog(path)
    for i in range(n):
        log.append({"event": "feedback", "verdict": "like", "writer": tag, "i": i,
                    "answer": "ü" * (i * 40)})  # lines of many sizes, some beyond a pipe buffer's atomicity


def test_concurrent_appends_lose_nothing(tmp_path):
    path = tmp_path / "sub" / "feedback.jsonl"
    threads = [threading.Thread(target=_writer, args=(str(path), f"t{k}", PER_WRITER)) for k in range(N_THREADS)]
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(str(path), f"p{k}", PER_WRITER)) for k in range(N_PROCS)]
    for w in threads + procs:
        w.start()
    for w in threads + procs:
        w.join(timeout=120)
    assert all(p.exitcode == 0 for p in procs)
    lines = path.read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]  # every line is whole JSON
    assert len(records) == (N_THREADS + N_PROCS) * PER_WRITER
    seen = {(r["writer"], r["i"]) for r in records}
    assert len(seen) == len(records)
    assert all(r["time"] and r["verdict"] == "like" for r in records)


def test_read_back(tmp_path):
    log = FeedbackLog(tmp_path / "f.jsonl")
    assert log.read() == []
    rec = log.append({"verdict": "dislike", "question": "q"})
    assert log.read() == [rec]
