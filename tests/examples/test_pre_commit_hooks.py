"""The hooks in `.pre-commit-hooks.yaml` run the commands they name, as pre-commit would: the
lockfile hook passes on a committed, up-to-date `.wrl` directory and fails on drift; the lint
hook fails on an unsupported pattern."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
yaml = pytest.importorskip("yaml")


def hooks() -> dict[str, dict[str, Any]]:
    loaded = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    return {hook["id"]: hook for hook in loaded}


def run_hook(hook: dict[str, Any], args: list[str], files: list[str], cwd: Path) -> int:
    """pre-commit's command line: the entry, the user's args, then the files if it takes them."""
    entry = shlex.split(hook["entry"])
    assert entry[0] == "waymark"
    command = [sys.executable, "-m", "waymark", *entry[1:], *args]
    command += files if hook.get("pass_filenames", True) else []
    return subprocess.run(command, cwd=cwd, capture_output=True, check=False).returncode


def test_the_hooks_are_well_formed() -> None:
    found = hooks()
    assert set(found) == {"waymark-compile", "waymark-lint"}
    for hook in found.values():
        assert {"id", "name", "entry", "language"} <= hook.keys()
        assert hook["language"] == "python"  # pre-commit installs this package to run it
    assert found["waymark-compile"]["pass_filenames"] is False  # it needs every source


def test_the_lockfile_hook_passes_then_fails_on_drift(tmp_path: Path) -> None:
    shutil.copy(ROOT / "examples" / "parallel_math.py", tmp_path / "flows.py")
    written = subprocess.run(
        [sys.executable, "-m", "waymark", "compile", "flows.py", "--out-dir", "wrl"],
        cwd=tmp_path, capture_output=True, check=False,
    )  # fmt: skip
    assert written.returncode == 0
    hook = hooks()["waymark-compile"]
    assert run_hook(hook, ["wrl/", "flows.py"], ["flows.py"], tmp_path) == 0
    source = (tmp_path / "flows.py").read_text()
    (tmp_path / "flows.py").write_text(source.replace("n=number,", "n=number + 1,"))
    assert run_hook(hook, ["wrl/", "flows.py"], ["flows.py"], tmp_path) == 1


def test_the_lint_hook_fails_on_an_unsupported_pattern(tmp_path: Path) -> None:
    source = (ROOT / "examples" / "parallel_math.py").read_text()
    (tmp_path / "good.py").write_text(source)
    hook = hooks()["waymark-lint"]
    assert run_hook(hook, [], ["good.py"], tmp_path) == 0
    bad = source.replace(
        "return await summarize(", "import random\n        return await summarize("
    )
    (tmp_path / "bad.py").write_text(bad)
    assert run_hook(hook, [], ["good.py", "bad.py"], tmp_path) == 1
