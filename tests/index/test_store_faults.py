"""Faults under the index directory: every file truncated, deleted or swapped for another
document's, the manifest edited, the directory read-only, the disk full while building.

Each is detected (IndexCorrupt, one line), rebuilt where the disk allows, and a build that fails
leaves the previous index usable. Read-only and disk-full use a real tmpfs (``mount -t tmpfs``);
without the privilege to mount, those two skip with that reason. Small documents keep builds fast;
the models are the session assistant's.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

from eval import robustness
from index import IndexCorrupt, ReportQAError, load_index
from qa import Config
from qa.assistant import prepare_index

DOC_A = """The Springfield Civic Report 2024

The council met often and the budget grew.

Budget

The council approved a budget of 4 million dollars for schools in May.1 The mayor welcomed it.

Elections

Elections were held in November and turnout reached 61 percent.

1. Council minutes, May 2024.
"""
DOC_B = DOC_A.replace("Springfield", "Shelbyville").replace("61 percent", "48 percent")


def one_line(exc: BaseException) -> str:
    msg = str(exc)
    assert msg and "\n" not in msg and len(msg) < 400, msg
    return msg


def config_for(tmp: Path, base: Config, text: str, name: str = "springfield.txt") -> Config:
    doc = tmp / name
    doc.write_text(text, encoding="utf-8")
    return base.with_(document=doc, cache_dir=tmp / "cache")


@pytest.fixture(scope="module")
def built(assistant, config, tmp_path_factory):
    """A built index of DOC_A and one of DOC_B (pristine copies), with the shared models."""
    tmp = tmp_path_factory.mktemp("faults")
    cfg_a = config_for(tmp, config, DOC_A)
    cfg_b = config_for(tmp, config, DOC_B, "shelbyville.txt")
    _, dir_a, _ = prepare_index(cfg_a, assistant.embedders)
    _, dir_b, _ = prepare_index(cfg_b, assistant.embedders)
    pristine = tmp / "pristine-a"
    shutil.copytree(dir_a, pristine)
    return {"cfg": cfg_a, "dir": dir_a, "other": dir_b, "pristine": pristine, "embedders": assistant.embedders}


def reset(built) -> Path:
    shutil.rmtree(built["dir"], ignore_errors=True)
    shutil.copytree(built["pristine"], built["dir"])
    return built["dir"]


def index_files(directory: Path) -> list[str]:
    return sorted(str(p.relative_to(directory)) for p in directory.rglob("*") if p.is_file())


def expect_detected_and_rebuilt(built, fault: str) -> None:
    d = built["dir"]
    with pytest.raises(IndexCorrupt) as err:
        load_index(d, expect_sha=json.loads((built["pristine"] / "manifest.json").read_text())["document"]["sha256"],
                   expect_models={k: e.name for k, e in built["embedders"].items()})
    msg = one_line(err.value)
    index, directory, rebuilt = prepare_index(built["cfg"], built["embedders"])
    assert rebuilt and directory == d and len(index.chunks) > 3
    load_index(d)  # the rebuilt index verifies
    robustness.fault(fault, f"detected ({msg[:70]}…); rebuilt")


def test_every_file_truncated(built):
    for rel in index_files(built["pristine"]):
        d = reset(built)
        path = d / rel
        size = path.stat().st_size
        with open(path, "r+b") as fh:
            fh.truncate(size // 2)
        expect_detected_and_rebuilt(built, f"truncated: {rel}")


def test_every_file_deleted(built):
    for rel in index_files(built["pristine"]):
        d = reset(built)
        (d / rel).unlink()
        expect_detected_and_rebuilt(built, f"deleted: {rel}")


def test_every_file_swapped_for_another_documents(built):
    other = built["other"]
    for rel in index_files(built["pristine"]):
        if not (other / rel).is_file() or (other / rel).read_bytes() == (built["pristine"] / rel).read_bytes():
            continue  # a file both documents share byte for byte (BM25 parameters) is no fault
        d = reset(built)
        shutil.copy2(other / rel, d / rel)
        expect_detected_and_rebuilt(built, f"swapped with another document's: {rel}")


def test_whole_directory_swapped(built):
    d = reset(built)
    shutil.rmtree(d)
    shutil.copytree(built["other"], d)
    expect_detected_and_rebuilt(built, "whole index directory swapped for another document's")


@pytest.mark.parametrize("edit", ["file checksum", "chunk count", "format version", "document checksum",
                                  "model name", "not JSON", "files not a dict", "empty"])
def test_manifest_edited(built, edit):
    d = reset(built)
    path = d / "manifest.json"
    m = json.loads(path.read_text())
    if edit == "file checksum":
        m["files"]["chunks.jsonl"] = "0" * 64
    elif edit == "chunk count":
        m["chunks"] += 1
    elif edit == "format version":
        m["format_version"] = 999
    elif edit == "document checksum":
        m["document"]["sha256"] = "f" * 64
    elif edit == "model name":
        next(iter(m["models"].values()))["name"] = "evil-model"
    elif edit == "files not a dict":
        m["files"] = ["chunks.jsonl"]
    path.write_text("{not json" if edit == "not JSON" else "" if edit == "empty" else json.dumps(m))
    expect_detected_and_rebuilt(built, f"manifest edited: {edit}")


def test_stray_temporary_directories_do_not_matter(built):
    d = reset(built)
    (d.parent / f".{d.name}.tmp-99999").mkdir()
    (d.parent / f".{d.name}.tmp-99999" / "chunks.jsonl").write_text("half")
    index, _, rebuilt = prepare_index(built["cfg"], built["embedders"])
    assert not rebuilt and index.chunks
    robustness.fault("leftover temp dir from a killed build", "ignored; index loads")


# -- real small file systems ------------------------------------------------------------------
@pytest.fixture
def tmpfs(tmp_path):
    """mount(size) -> a fresh tmpfs of that size; unmounted afterwards. Skips without the privilege."""
    mounts = []

    def mount(size: str, opts: str = "") -> Path:
        point = tmp_path / f"fs-{uuid.uuid4().hex[:6]}"
        point.mkdir()
        res = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}{opts}", "tmpfs", str(point)],
                             capture_output=True, text=True)
        if res.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here ({res.stderr.strip() or res.returncode}); needs root/CAP_SYS_ADMIN")
        mounts.append(point)
        return point

    yield mount
    for point in reversed(mounts):
        subprocess.run(["umount", "-l", str(point)], capture_output=True)


def remount_ro(point: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(point)], check=True)


def test_read_only_directory(built, tmpfs):
    fs = tmpfs("16m")
    cfg = built["cfg"].with_(cache_dir=fs / "cache")
    _, d, _ = prepare_index(cfg, built["embedders"])
    remount_ro(fs)
    index, _, rebuilt = prepare_index(cfg, built["embedders"])  # an intact index is read from a read-only disk
    assert not rebuilt and index.chunks
    robustness.fault("index directory read-only (intact index)", "loads without writing")
    # damaged and read-only: a clear one-line error, no trace
    subprocess.run(["mount", "-o", "remount,rw", str(fs)], check=True)
    (d / "chunks.jsonl").write_text("garbage")
    remount_ro(fs)
    with pytest.raises(ReportQAError) as err:
        prepare_index(cfg, built["embedders"])
    msg = one_line(err.value)
    assert "Read-only file system" in msg
    robustness.fault("index directory read-only (damaged index)", f"clear error: {msg[-60:]}")
    # a cache directory that cannot even be created
    with pytest.raises(ReportQAError) as err:
        prepare_index(cfg.with_(cache_dir=fs / "new" / "cache"), built["embedders"])
    robustness.fault("cache directory cannot be created (read-only parent)", f"clear error: {one_line(err.value)[-60:]}")


def test_disk_full_while_building_keeps_the_previous_index(built, tmpfs):
    size = sum(p.stat().st_size for p in built["pristine"].rglob("*") if p.is_file())
    fs = tmpfs(f"{(size * 3) // 1024 + 64}k")
    cfg = built["cfg"].with_(cache_dir=fs / "cache")
    before, d, _ = prepare_index(cfg, built["embedders"])
    # fill the disk, leaving less room than one more index needs
    free = os.statvfs(fs).f_bavail * os.statvfs(fs).f_frsize
    with open(fs / "filler", "wb") as fh:
        fh.write(b"\0" * max(0, free - size // 3))
    with pytest.raises(ReportQAError) as err:
        prepare_index(cfg, built["embedders"], rebuild=True)
    msg = one_line(err.value)
    assert "No space left on device" in msg or "space" in msg.lower(), msg
    after = load_index(d)  # the previous index is still there and verifies
    assert [c.id for c in after.chunks] == [c.id for c in before.chunks]
    assert not [p for p in d.parent.iterdir() if ".tmp-" in p.name or ".old-" in p.name]
    robustness.fault("disk full while building (tmpfs)", f"clear error ({msg[-40:]}); previous index intact")
    # room again: the build succeeds
    (fs / "filler").unlink()
    _, _, rebuilt = prepare_index(cfg, built["embedders"], rebuild=True)
    assert rebuilt
    robustness.fault("disk full, then space freed", "rebuilt")


def test_disk_full_on_first_build(built, tmpfs):
    fs = tmpfs("64k")
    with pytest.raises(ReportQAError) as err:
        prepare_index(built["cfg"].with_(cache_dir=fs / "cache"), built["embedders"])
    msg = one_line(err.value)
    assert not [p for p in (fs / "cache").iterdir() if ".tmp-" in p.name]
    robustness.fault("disk full on the first build (64 KB tmpfs)", f"clear error ({msg[-40:]}); no debris")
