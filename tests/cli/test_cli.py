"""The `reportqa` command, run as a real subprocess."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(args: list[str], cache_dir: Path, **kw) -> subprocess.CompletedProcess:
    env = {**os.environ, "REPORTQA_CACHE": str(cache_dir), "HF_HUB_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-m", "ui.cli", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300, stdin=subprocess.DEVNULL, **kw)


def test_ask_json_matches_the_eval_shape(assistant, cache_dir):
    res = run(["ask", "--json", "How many people were affected by floods?"], cache_dir)
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert {"answer", "abstained", "citations", "passages"} <= set(out)
    assert "264,646" in out["answer"] and out["abstained"] is False
    cite = out["citations"][0]
    assert {"text", "section", "paragraph", "footnotes"} <= set(cite)
    assert len(out["passages"]) >= 3
    assert "Traceback" not in res.stderr


def test_ask_plain_shows_citation_and_footnote(cache_dir, assistant):
    res = run(["ask", "When was Youssouf Daba Diawara provisionally released?"], cache_dir)
    assert res.returncode == 0
    assert "3 October" in res.stdout and "footnote 2" in res.stdout


def test_empty_question_is_a_usage_error(cache_dir, assistant):
    res = run(["ask", "--json", "   "], cache_dir)
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert json.loads(res.stdout)["abstained"] is True


@pytest.mark.parametrize("args, needle", [
    (["ask", "--document", "/nonexistent/report.txt", "hello?"], "document not found"),
    (["index", "/nonexistent/report.txt"], "document not found"),
    (["ask", "--document", "pyproject.toml", "hello?"], "unsupported file type"),
    (["eval", "/nonexistent/gold.jsonl"], "cannot read gold file"),
])
def test_errors_are_one_line_without_trace(cache_dir, args, needle):
    res = run(args, cache_dir)
    assert res.returncode != 0
    assert needle in res.stderr and "Traceback" not in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1


def test_index_builds_a_new_document(tmp_path, cache_dir):
    doc = tmp_path / "tiny.md"
    doc.write_text("# Tiny report\n\nIntro.\n\n## Water\n\nThe well ran dry in June.[^1]\n\n[^1]: Field note, 2 June.\n")
    res = run(["index", str(doc)], cache_dir)
    assert res.returncode == 0, res.stderr
    assert "Tiny report" in res.stdout and "chunks" in res.stdout
    res = run(["ask", "--document", str(doc), "--json", "When did the well run dry?"], cache_dir)
    out = json.loads(res.stdout)
    assert "June" in out["answer"] and out["citations"][0]["footnotes"][0]["number"] == 1
