"""The eval CLI on a small gold file with missing optional fields."""
from __future__ import annotations

import json

from eval.run import main


def test_eval_run_writes_results_and_report(tmp_path, assistant, capsys):
    gold = tmp_path / "gold.jsonl"
    rows = [
        {"id": "1", "question": "How many people were affected by floods?", "answers": ["264,646"]},
        {"id": "2", "question": "What's the capital of Peru?", "answerable": False},
        {"id": "3", "question": "When was al Hassan convicted?", "evidence": "On 26 June, the ICC convicted"},
    ]
    gold.write_text("\n".join(json.dumps(r) for r in rows) + "\nnot json\n")
    out = tmp_path / "results.jsonl"
    code = main([str(gold), "--out", str(out), "--no-baseline", "--report", str(tmp_path / "r.md"),
                 "--cache-dir", str(assistant.config.cache_dir)])
    assert code == 0
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    assert [r["id"] for r in lines] == ["1", "2", "3"]
    for r in lines:
        assert {"id", "question", "answer", "abstained", "passages", "citations", "latency_ms"} <= set(r)
    assert lines[1]["abstained"] is True
    printed = capsys.readouterr().out
    assert "hit@1" in printed and "answer accuracy" in printed
    assert (tmp_path / "r.md").exists() and (tmp_path / "r.png").exists()


def test_gold_sets_scores_each_set_against_its_own_document(tmp_path, assistant):
    from eval.gold_sets import main as gold_sets

    sets = tmp_path / "sets.json"
    sets.write_text(json.dumps({"sets": [
        {"gold": "eval/gold/freedonia.jsonl", "document": "eval/gold/docs/freedonia-2024.txt", "role": "other"}]}))
    out = tmp_path / "sets.md"
    assert gold_sets(["--sets", str(sets), "--out", str(out), "--cache-dir", str(assistant.config.cache_dir)]) == 0
    row = next(line for line in out.read_text().splitlines() if "freedonia.jsonl" in line)
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[3] == "18" and 0.0 <= float(cells[4]) <= 1.0  # questions, hit@1
    missing = tmp_path / "missing.json"
    missing.write_text(json.dumps({"sets": [{"gold": "eval/gold/nope.jsonl", "document": "data/amnesty-mali-2024.txt",
                                            "role": "x"}]}))
    assert gold_sets(["--sets", str(missing), "--out", str(tmp_path / "m.md")]) == 1  # a clear message, no trace
