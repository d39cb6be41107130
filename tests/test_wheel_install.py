"""A user's first install: the built wheel, installed (not editable) into a clean venv with Python
3.13, runs a workflow on the embedded PostgreSQL with nothing else configured.

Slow (a build, a venv, an install from the package index): marked `packaging`, like the grammar
check beside it; deselect with `-m "not packaging"`. Skips where no Python 3.13 is installed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.test_packaging import _build_wheel

# pyenv's shim runs `python3.13` only when that version is selected
PYTHON_313 = ("python3.13", {"PYENV_VERSION": "3.13.0"})

APP = """\
from waymark import Workflow, action, workflow


@action
async def double(n: int) -> int:
    return n * 2


@workflow
class Doubler(Workflow):
    async def run(self, n: int) -> int:
        doubled = await double(n)
        return doubled + 1
"""


def _python_313() -> str | None:
    name, extra = PYTHON_313
    found = shutil.which(name)
    if found is None:
        return None
    probe = subprocess.run(
        [found, "-c", "import sys; print(sys.version_info[:2] == (3, 13))"],
        capture_output=True, text=True, env={**os.environ, **extra}, check=False,
    )  # fmt: skip
    return found if probe.stdout.strip() == "True" else None


@pytest.fixture
def project() -> Iterator[Path]:
    """A user's project directory (short path: the embedded server's socket lives in it)."""
    root = Path(tempfile.mkdtemp(prefix="wm-wheel-")).resolve()
    yield root
    waymark = root / "venv" / "bin" / "waymark"
    if waymark.exists():
        subprocess.run([str(waymark), "db", "stop"], cwd=root, env=_env(root), check=False)
    shutil.rmtree(root, ignore_errors=True)


def _env(root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WAYMARK_", "PYTHON"))}
    return {**env, **PYTHON_313[1], "VIRTUAL_ENV": str(root / "venv")}


def _run(argv: list[str], root: Path, timeout: float) -> str:
    done = subprocess.run(
        argv, cwd=root, env=_env(root), capture_output=True, text=True, timeout=timeout,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, f"{argv}\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.mark.packaging
def test_the_wheel_runs_a_workflow_on_python_313_with_the_embedded_default(
    project: Path,
) -> None:
    python = _python_313()
    if python is None:
        pytest.skip("no Python 3.13 on this machine (pyenv: PYENV_VERSION=3.13.0 python3.13)")
    wheel = _build_wheel(project / "dist")
    _run([python, "-m", "venv", str(project / "venv")], project, 120)
    bin_dir = project / "venv" / "bin"
    _run([str(bin_dir / "python"), "-m", "pip", "install", "--quiet", str(wheel)], project, 600)
    (project / "pyproject.toml").write_text('[project]\nname = "app"\nversion = "0"\n')
    (project / "app.py").write_text(APP)

    shown = _run([str(bin_dir / "python"), "-c", "import waymark, sys; print(waymark.__file__)"],
                 project, 60)  # fmt: skip
    assert Path(shown.strip()).is_relative_to(project / "venv"), shown  # not the checkout
    output = _run([str(bin_dir / "waymark"), "run", "app.py:Doubler", "--input", '{"n": 20}'],
                  project, 300)  # fmt: skip
    assert "41" in output
    assert (project / ".waymark" / "pgdata" / "PG_VERSION").exists()
