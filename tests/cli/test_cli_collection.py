"""`reportqa index PATH...` over folders, and `ask --collection/--doc`, as real subprocesses."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(args: list[str], cache_dir: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "REPORTQA_CACHE": str(cache_dir), "HF_HUB_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-m", "ui.cli", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300, stdin=subprocess.DEVNULL)

A = "# Harbour bulletin\n\n## Ships\n\nThree ferries were stopped at Quillon harbour in May.[^1]\n\n[^1]: Port log, 4 May.\n"
B = "<html><body><h1>School report</h1><h2>Teachers</h2><p>Forty teachers in Velmora went unpaid for five months.</p></body></html>"


def test_index_folder_ask_across_and_within_documents(tmp_path: Path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "harbour.md").write_text(A, encoding="utf-8")
    (docs / "school.html").write_text(B, encoding="utf-8")
    (docs / "deck.pptx").write_bytes(b"PK")
    cache = tmp_path / "cache"
    res = run(["index", str(docs), "--collection", "town"], cache)
    assert res.returncode == 0, res.stderr
    assert "2 documents" in res.stdout and "added 2" in res.stdout and "index flat-ip" in res.stdout
    assert "skipped" in res.stderr and "deck.pptx" in res.stderr and "Traceback" not in res.stderr

    res = run(["index", str(docs), "--collection", "town"], cache)
    assert "unchanged 2" in res.stdout and "embedded 0 chunks" in res.stdout

    res = run(["ask", "--collection", "town", "How many teachers went unpaid?"], cache)
    assert res.returncode == 0, res.stderr
    assert "Forty teachers" in res.stdout and "School report (school.html)" in res.stdout

    res = run(["ask", "--collection", "town", "--json", "--doc", "harbour", "Where were ferries stopped?"], cache)
    cite = json.loads(res.stdout)["citations"][0]
    assert cite["document"] == "Harbour bulletin" and cite["footnotes"][0]["number"] == 1

    res = run(["ask", "--collection", "town", "--doc", "nowhere", "Where were ferries stopped?"], cache)
    assert res.returncode != 0 and res.stderr.strip() == (
        "reportqa: not in the collection: nowhere (see `reportqa index --list`)")

    res = run(["index", "--collection", "town", "--remove", "school"], cache)
    assert res.returncode == 0 and "1 documents" in res.stdout
    res = run(["index", "--collection", "town", "--list"], cache)
    assert res.stdout.count("\n") == 1 and "Harbour bulletin" in res.stdout


def test_index_paragraph_precision_int8_by_default_float32_on_request(tmp_path: Path, cache_dir: Path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "school.html").write_text(B, encoding="utf-8")
    (docs / "harbour.md").write_text(A, encoding="utf-8")
    res = run(["index", str(docs), "--collection", "fast", "--models", "minilm"], tmp_path / "c")
    assert res.returncode == 0 and "2 documents" in res.stdout, res.stderr
    assert list((cache_dir / "engines").glob("*-int8-per-token.onnx")), "the int8 graph is built in the shared engine folder"
    res = run(["index", str(docs), "--collection", "exact", "--models", "minilm", "--precision", "float32"], tmp_path / "c")
    assert res.returncode == 0 and "2 documents" in res.stdout, res.stderr
    for name in ("fast", "exact"):
        res = run(["ask", "--collection", name, "How many teachers went unpaid?"], tmp_path / "c")
        assert res.returncode == 0 and "Forty teachers" in res.stdout, res.stderr
    # Asking an int8 collection for float32 embeds its documents again rather than keeping int8 vectors.
    res = run(["index", str(docs / "school.html"), "--collection", "fast", "--models", "minilm", "--precision", "float32"],
              tmp_path / "c")
    assert res.returncode == 0 and "2 documents" in res.stdout and "changed 2" in res.stdout, res.stdout + res.stderr
    res = run(["index", str(docs), "--collection", "fast", "--precision", "int4"], tmp_path / "c")
    assert res.returncode == 2 and "invalid choice: 'int4'" in res.stderr


def test_index_with_one_model_and_a_wrong_model_name(tmp_path: Path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "school.html").write_text(B, encoding="utf-8")
    cache = tmp_path / "cache"
    res = run(["index", str(docs), "--collection", "quick", "--models", "minilm"], cache)
    assert res.returncode == 0, res.stderr
    assert "models minilm" in res.stdout and "1 documents" in res.stdout
    res = run(["ask", "--collection", "quick", "How many teachers went unpaid?"], cache)
    assert res.returncode == 0 and "Forty teachers" in res.stdout
    res = run(["index", str(docs), "--collection", "other", "--models", "bert-large"], cache)
    assert res.returncode != 0 and "unknown embedder 'bert-large'" in res.stderr and "Traceback" not in res.stderr
