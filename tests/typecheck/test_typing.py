"""`mypy --strict` on a user's sample app, with the `waymark.mypy` plugin, passes and infers
what a user expects: no 'missing argument' for `Depends` parameters, `run(_blocking=False)` is
the instance id, `run_action` returns the action's type."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent


ROOT = HERE.parents[1]

MISUSE = """\
from tests.typecheck.sample_app import Welcome, send_email


async def misuse() -> None:
    await Welcome().run(1)
    await Welcome().run("a", _blocking="no")
    await Welcome().run("a", _priority="high")
    await send_email(3)
"""


def mypy(tmp_path: Path, target: Path = HERE / "sample_app.py") -> subprocess.CompletedProcess[str]:
    config = tmp_path / "mypy.ini"
    config.write_text("[mypy]\nstrict = True\nplugins = waymark.mypy\n")
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(config), "--cache-dir",
         str(tmp_path / "cache"), str(target)],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
        env={**os.environ, "MYPYPATH": ""},
    )  # fmt: skip


def test_the_sample_app_checks_cleanly_under_mypy_strict(tmp_path: Path) -> None:
    done = mypy(tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    revealed = [line.split("Revealed type is ")[1] for line in done.stdout.splitlines()
                if "Revealed type is" in line]  # fmt: skip
    assert revealed == ['"bool"', '"bool | str"', '"int"'], done.stdout
    assert "Success: no issues found in 1 source file" in done.stdout


def test_the_plugin_still_flags_wrong_calls(tmp_path: Path) -> None:
    misuse = tmp_path / "misuse.py"
    misuse.write_text(MISUSE)
    done = mypy(tmp_path, misuse)
    errors = [line for line in done.stdout.splitlines() if ": error:" in line]
    assert [line.split(":")[1] for line in errors] == ["5", "6", "7", "8"], done.stdout
