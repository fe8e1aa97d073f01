"""A short load run (10 users, 8 s) against the session server (eval/load_test.py): no errors, health stays responsive.
The 60-second, 50-user run is `python -m eval.load_test` (figures in eval/results/robustness.md)."""
from __future__ import annotations

import asyncio
import json
import os
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from eval import load_test, robustness

pytestmark = pytest.mark.slow


def test_short_load_run(app):
    # its own thread: Playwright's sync API (browser tests) may hold an event loop in this one
    with ThreadPoolExecutor(1) as pool:
        result = pool.submit(asyncio.run, load_test.run_load(app.base, users=10, duration=8.0,
                                                             pid=app.proc.pid)).result()
    result.update(finished=time.strftime("%Y-%m-%d %H:%M:%S"), label="make test (short)",
                  loadavg_start=[round(x, 2) for x in os.getloadavg()],
                  settings=load_test.server_settings(dict(os.environ)))
    (robustness.RESULTS / "load.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    api, chat = result["endpoints"]["/api/ask"], result["endpoints"]["gradio /chat"]
    assert result["total"]["errors"] == 0, result["error_samples"]
    assert api["ok"] > 0 and chat["ok"] > 0
    assert result["health"]["errors"] == 0 and result["health"]["ok"] >= 8
    assert result["health"]["p99_ms"] < 2000  # the event loop stays free while answers queue
    assert app.proc.poll() is None
    robustness.fault("load: 10 users for 8 s (API + Gradio)",
                     f"{result['total']['requests']} requests, 0 errors, health p99 "
                     f"{result['health']['p99_ms']:.0f} ms", ok=True)
