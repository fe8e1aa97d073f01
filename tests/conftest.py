"""Shared fixtures: one real index of the real report per test session."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

from qa import DEFAULT_DOCUMENT, Assistant, Config  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
REPORT = DEFAULT_DOCUMENT


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory) -> Path:
    """A session cache directory, shared with subprocesses through REPORTQA_CACHE."""
    path = tmp_path_factory.mktemp("reportqa-cache")
    os.environ["REPORTQA_CACHE"] = str(path)
    # One set of exported engines for the whole session, subprocesses with caches of their own included.
    os.environ["REPORTQA_ENGINE_DIR"] = str(path / "engines")
    return path


@pytest.fixture(scope="session")
def config(cache_dir: Path) -> Config:
    return Config(cache_dir=cache_dir)


@pytest.fixture(scope="session")
def assistant(config: Config) -> Assistant:
    """The real assistant over the real report (index built once for the session)."""
    return Assistant(config)


@pytest.fixture(scope="session")
def report_text() -> str:
    return REPORT.read_text(encoding="utf-8")


def pytest_sessionfinish(session, exitstatus):
    """Write eval/results/robustness.md from what the robustness tests recorded (eval/robustness.py).

    Only a whole-suite run (`make test`, `pytest` with no paths) or REPORTQA_ROBUSTNESS_REPORT=1
    writes it: a run of a few files would replace the report with a fraction of it."""
    from eval import robustness

    whole = [str(a).rstrip("/") for a in session.config.args] in ([], ["tests"], [str(ROOT / "tests")])
    if whole and not session.config.option.keyword and not session.config.option.markexpr \
            or os.environ.get("REPORTQA_ROBUSTNESS_REPORT") == "1":
        robustness.finish(int(exitstatus))
