"""Persistence: manifest, checksums, rebuilds, clear errors, atomic builds."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from index import IndexCorrupt, load_index, read_manifest
from qa import Assistant, Config, index_dir_for


def test_manifest_records_model_document_and_files(assistant):
    m = read_manifest(assistant.index_dir)
    assert m["format_version"] >= 1
    assert set(m["models"]) == set(assistant.config.embedders)
    assert all(v["dim"] > 0 for v in m["models"].values())
    assert {v["precision"] for v in m["models"].values()} == {assistant.config.ingest_precision}
    assert len(m["document"]["sha256"]) == 64
    assert "chunks.jsonl" in m["files"] and m["chunks"] == len(assistant.index.chunks)


def test_index_lives_outside_the_source_tree(assistant):
    src = Path(__file__).resolve().parents[2] / "index"
    assert src not in assistant.index_dir.parents


def _copy(assistant, tmp_path) -> Path:
    target = tmp_path / "ix"
    shutil.copytree(assistant.index_dir, target)
    return target


def test_loads_when_intact(assistant, tmp_path):
    ix = load_index(_copy(assistant, tmp_path))
    assert len(ix.chunks) == len(assistant.index.chunks)


@pytest.mark.parametrize("damage", ["truncate", "delete", "edit-manifest", "garbage-manifest", "no-manifest"])
def test_damage_is_detected_with_a_clear_message(assistant, tmp_path, damage):
    d = _copy(assistant, tmp_path)
    if damage == "truncate":
        p = d / "vectors-e5.npy"
        p.write_bytes(p.read_bytes()[:100])
    elif damage == "delete":
        (d / "chunks.jsonl").unlink()
    elif damage == "edit-manifest":
        m = json.loads((d / "manifest.json").read_text())
        m["files"]["chunks.jsonl"] = "0" * 64
        (d / "manifest.json").write_text(json.dumps(m))
    elif damage == "garbage-manifest":
        (d / "manifest.json").write_text("{not json")
    else:
        (d / "manifest.json").unlink()
    with pytest.raises(IndexCorrupt) as err:
        load_index(d)
    msg = str(err.value)
    assert "\n" not in msg and str(d) in msg


def test_other_document_version_is_refused(assistant, tmp_path):
    with pytest.raises(IndexCorrupt, match="another version"):
        load_index(_copy(assistant, tmp_path), expect_sha="0" * 64)


def test_assistant_rebuilds_a_corrupt_index(config, tmp_path):
    doc = tmp_path / "small.txt"
    doc.write_text("Small report\n\nSummary line about floods in 2024.\n\nFloods\n\nThe floods killed 12 people in May.\n")
    cfg = config.with_(document=doc, cache_dir=tmp_path / "cache")
    first = Assistant(cfg)
    assert first.built
    (first.index_dir / "chunks.jsonl").write_text("truncated")
    second = Assistant(cfg)
    assert second.built  # detected and rebuilt, not crashed
    assert "12 people" in second.ask("How many people did the floods kill?").text
    third = Assistant(cfg)
    assert not third.built  # intact now: loaded, not rebuilt


def test_another_indexing_precision_rebuilds_the_index_once(config, tmp_path):
    doc = tmp_path / "small.txt"
    doc.write_text("Small report\n\nFloods\n\nThe floods killed 12 people in May. Rain fell for a week.\n")
    cfg = config.with_(document=doc, cache_dir=tmp_path / "cache")
    assert Assistant(cfg).built
    asked = Assistant(cfg.with_(ingest_precision="float32"))
    assert asked.built, "vectors embedded in int8 must not pass for float32 ones"
    assert {v["precision"] for v in read_manifest(asked.index_dir)["models"].values()} == {"float32"}
    assert not Assistant(cfg.with_(ingest_precision="float32")).built
    assert "12 people" in asked.ask("How many people did the floods kill?").text


def test_an_unknown_precision_is_a_clear_error_before_anything_loads(config, monkeypatch):
    from index import ReportQAError
    with pytest.raises(ReportQAError, match="unknown indexing precision 'int4'.*int8 or float32"):
        config.with_(ingest_precision="int4")
    monkeypatch.setenv("REPORTQA_PRECISION", "fp16")
    with pytest.raises(ReportQAError, match="REPORTQA_PRECISION"):
        Config.from_env()


def test_changed_document_gets_a_new_index(config, tmp_path):
    doc = tmp_path / "doc.txt"
    doc.write_text("Report\n\nThe dam opened in 1999.\n")
    cfg = config.with_(document=doc, cache_dir=tmp_path / "cache")
    a = Assistant(cfg)
    doc.write_text("Report\n\nThe dam opened in 2001.\n")
    b = Assistant(cfg)
    assert b.built and a.index_dir != b.index_dir
    assert "2001" in b.ask("When did the dam open?").text


def test_index_dir_names_document_and_models(config):
    d = index_dir_for(config, "ab" * 32)
    assert d.parent == Path(config.cache_dir) and "abababab" in d.name
